import B2Kit
import Parquet

/// Encodes a table in a format, in chunks.
public enum TableEncoder {
    /// Hands out the encoded table in chunks of about a mebibyte (a Parquet file in one piece); with `gzip`, as one
    /// gzip stream (`.csv.gz`).
    public static func encode(
        _ table: Table, as format: TableFormat, gzip: Bool = false, emit: ([UInt8]) throws -> Void
    ) throws {
        guard gzip else { return try encode(table, as: format, emit: emit) }
        let deflater = try GzipDeflater()
        try encode(table, as: format) { try deflater.deflate($0, into: emit) }
        try deflater.finish(into: emit)
    }

    private static func encode(_ table: Table, as format: TableFormat, emit: ([UInt8]) throws -> Void) throws {
        switch format {
        case .csv: try CSVWriter().write(table, emit: emit)
        case .json: try JSONTableWriter().write(table, emit: emit)
        case .jsonLines: try JSONTableWriter(lines: true).write(table, emit: emit)
        case .parquet: try emit(try table.parquetBytes())
        }
    }
}
