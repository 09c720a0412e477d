import B2Kit

/// Decodes a table from bytes arriving in chunks, stopping as soon as a row limit is met where the format allows
/// (CSV and JSON Lines); JSON documents and Parquet files (whose footer comes last) are decoded at the end.
public struct TableDecoder: Sendable {
    /// How to read.
    public struct Options: Sendable {
        /// The format.
        public var format: TableFormat
        /// Stop after this many rows.
        public var limit: Int?
        /// CSV's field separator.
        public var delimiter: UInt8
        /// CSV columns to read as timestamps.
        public var parseDates: [String]
        /// The dotted path of the records inside a JSON envelope.
        public var recordsPath: String?

        /// Creates options.
        public init(
            format: TableFormat,
            limit: Int? = nil,
            delimiter: UInt8 = UInt8(ascii: ","),
            parseDates: [String] = [],
            recordsPath: String? = nil
        ) {
            self.format = format
            self.limit = limit
            self.delimiter = delimiter
            self.parseDates = parseDates
            self.recordsPath = recordsPath
        }
    }

    private let options: Options
    private var csv: CSVReader?
    private var buffered: [UInt8] = []
    private var lineRows = 0

    /// Creates a decoder.
    public init(options: Options) throws {
        self.options = options
        switch options.format {
        case .csv:
            csv = CSVReader(
                options: .init(delimiter: options.delimiter, parseDates: options.parseDates, limit: options.limit)
            )
        case .json, .jsonLines, .parquet:
            break
        }
    }

    /// True once enough rows arrived: the caller may stop reading.
    public var isSatisfied: Bool {
        if let csv { return csv.isSatisfied }
        if options.format == .jsonLines, let limit = options.limit { return lineRows >= limit }
        return false
    }

    /// Takes the next chunk.
    public mutating func consume<Bytes: Collection<UInt8>>(_ chunk: Bytes) throws {
        if csv != nil {
            try csv!.consume(chunk)
            return
        }
        buffered.append(contentsOf: chunk)
        if options.format == .jsonLines, options.limit != nil {
            lineRows = buffered.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }
    }

    /// The table.
    public mutating func finish() throws -> Table {
        if csv != nil { return try csv!.finish() }
        if options.format == .parquet { return try Table(parquet: buffered, limit: options.limit) }
        return try JSONTableReader.read(
            buffered, layout: options.format == .jsonLines ? .lines : .auto, recordsPath: options.recordsPath,
            limit: options.limit
        )
    }
}
