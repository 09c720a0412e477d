import B2Kit

/// A file format a table is read from or written to.
public enum TableFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Comma-separated values.
    case csv
    /// JSON: records, pandas' columns orient, or an envelope opened by a records path.
    case json
    /// JSON Lines: one record per line.
    case jsonLines = "jsonl"
    /// Apache Parquet.
    case parquet

    /// The extensions that name each format, in the order they are tried.
    public static let extensions: [(String, TableFormat)] = [
        (".csv", .csv), (".json", .json), (".jsonl", .jsonLines), (".ndjson", .jsonLines), (".parquet", .parquet),
    ]

    /// The format and compression a name's extension gives (`.csv.gz` is gzip-compressed CSV).
    /// - Throws: `B2Error` `.usage` listing the known extensions when the name has none of them.
    public static func infer(fromName name: String) throws -> (format: TableFormat, gzip: Bool) {
        let lower = name.lowercased()
        let gzip = lower.hasSuffix(".gz")
        let base = gzip ? String(lower.dropLast(3)) : lower
        if let match = extensions.first(where: { base.hasSuffix($0.0) }) {
            if gzip, match.1 != .csv {
                throw B2Error(.usage, "\(name): only CSV may be gzip-compressed (.csv.gz); give --format to override")
            }
            return (match.1, gzip)
        }
        let known = (extensions.map(\.0) + [".csv.gz"]).joined(separator: ", ")
        throw B2Error(
            .usage, "Cannot tell the table format of \(name) from its extension: use one of \(known), or give --format"
        )
    }

    /// The format's name as written on the command line.
    public var description: String { rawValue }
}
