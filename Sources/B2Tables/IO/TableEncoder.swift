import B2Kit

/// Encodes a table in a format, in chunks.
public enum TableEncoder {
    /// Hands out the encoded table in chunks of about a mebibyte (a Parquet file in one piece).
    public static func encode(_ table: Table, as format: TableFormat, emit: ([UInt8]) throws -> Void) throws {
        switch format {
        case .csv: try CSVWriter().write(table, emit: emit)
        case .json: try JSONTableWriter().write(table, emit: emit)
        case .jsonLines: try JSONTableWriter(lines: true).write(table, emit: emit)
        case .parquet: try emit(try table.parquetBytes())
        }
    }
}
