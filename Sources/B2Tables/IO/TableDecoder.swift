import B2Kit
import Parquet

/// Decodes a table from bytes arriving in chunks, stopping as soon as a row limit is met where the format allows
/// (CSV and JSON Lines); JSON documents and Parquet files (whose footer comes last) are decoded at the end.
///
/// With `gzip`, the bytes are inflated as they arrive (`.csv.gz`), so a row limit still stops the read early.
public struct TableDecoder {
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
        /// The bytes are gzip-compressed (`.csv.gz`).
        public var gzip: Bool

        /// Creates options.
        public init(
            format: TableFormat,
            limit: Int? = nil,
            delimiter: UInt8 = UInt8(ascii: ","),
            parseDates: [String] = [],
            recordsPath: String? = nil,
            gzip: Bool = false
        ) {
            self.format = format
            self.limit = limit
            self.delimiter = delimiter
            self.parseDates = parseDates
            self.recordsPath = recordsPath
            self.gzip = gzip
        }
    }

    private let options: Options
    private var csv: CSVReader?
    private var buffered: [UInt8] = []
    private var lineRows = 0
    private let inflater: GzipInflater?

    /// Creates a decoder.
    public init(options: Options) throws {
        self.options = options
        inflater = options.gzip ? try Self.translatingGzipErrors { try GzipInflater() } : nil
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

    /// Says how many bytes are coming (a file's or an object's size), so formats decoded at the end (Parquet, JSON
    /// documents) gather them without regrowing the buffer, and CSV sizes its columns. Only a hint: more or fewer
    /// may arrive.
    public mutating func expect(byteCount: Int) {
        guard inflater == nil, byteCount > 0 else { return }
        if csv != nil {
            csv!.expect(byteCount: byteCount)
        } else {
            buffered.reserveCapacity(buffered.count + min(byteCount, 1 << 40))
        }
    }

    /// Takes the next chunk.
    public mutating func consume<Bytes: Collection<UInt8>>(_ chunk: Bytes) throws {
        guard let inflater else { return try consumePlain(chunk) }
        let bytes = Array(chunk)
        try Self.translatingGzipErrors {
            try bytes.withUnsafeBufferPointer { compressed in
                try inflater.inflate(compressed) { try consumePlain($0) }
            }
        }
    }

    private mutating func consumePlain<Bytes: Collection<UInt8>>(_ chunk: Bytes) throws {
        if csv != nil {
            try csv!.consume(chunk)
            return
        }
        if chunk.withContiguousStorageIfAvailable({ buffered.append(contentsOf: $0) }) == nil {
            buffered.append(contentsOf: chunk)
        }
        if options.format == .jsonLines, options.limit != nil {
            lineRows = buffered.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }
    }

    /// The table.
    public mutating func finish() throws -> Table {
        if let inflater, !inflater.finished, !isSatisfied {
            throw B2Error(.integrity, "The gzip data ends early: the .gz file is truncated; fetch it again")
        }
        if csv != nil { return try csv!.finish() }
        if options.format == .parquet { return try Table(parquet: buffered, limit: options.limit) }
        return try JSONTableReader.read(
            buffered, layout: options.format == .jsonLines ? .lines : .auto, recordsPath: options.recordsPath,
            limit: options.limit
        )
    }

    private static func translatingGzipErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ParquetError {
            throw B2Error(.integrity, "\(error.message): the .gz file is damaged or not gzip")
        }
    }
}
