import B2Kit

/// Reads CSV into a table, chunk by chunk, as pandas' `read_csv` does by default.
///
/// A byte-level tokenizer handles RFC 4180 quoting (doubled quotes, delimiters and newlines inside quotes), CRLF
/// and a UTF-8 byte order mark. The header row names the columns: an empty name becomes `Unnamed: N` and a repeated
/// one `name.1`, `name.2`. Types are inferred per column at the end, as pandas does: int64; float64 when an integer
/// column has a missing value; bool (True/False in pandas' spellings) only without missing values; text otherwise;
/// timestamps only for the columns named in `parseDates`.
///
/// ```swift
/// var reader = CSVReader()
/// for try await chunk in body { try reader.consume(chunk.readableBytesView) ; if reader.isSatisfied { break } }
/// let table = try reader.finish()
/// ```
public struct CSVReader: Sendable {
    /// How to read.
    public struct Options: Sendable {
        /// The field separator (one ASCII byte).
        public var delimiter: UInt8
        /// Columns to read as timestamps.
        public var parseDates: [String]
        /// Stop after this many data rows.
        public var limit: Int?
        /// The texts read as missing values (pandas' 19 by default).
        public var missingValues: Set<String>

        /// pandas' default missing-value texts.
        public static let pandasMissingValues: Set<String> = [
            "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
            "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
        ]

        /// Creates options: comma-separated, pandas' missing values, no dates, no limit.
        public init(
            delimiter: UInt8 = UInt8(ascii: ","),
            parseDates: [String] = [],
            limit: Int? = nil,
            missingValues: Set<String> = pandasMissingValues
        ) {
            self.delimiter = delimiter
            self.parseDates = parseDates
            self.limit = limit
            self.missingValues = missingValues
        }
    }

    private enum State: Sendable {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    let options: Options
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var record: [[UInt8]] = []
    private var header: [String]?
    private var cells: [CellColumn] = []
    private var rows = 0
    private var line = 1
    private var recordLine = 1
    /// True once the current record has any byte, a quote included: a line of `""` is a value, not a blank line.
    private var recordHasBytes = false
    private var pendingCR = false

    /// Creates a reader.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// True once `limit` rows have been read: the caller may stop feeding bytes.
    public var isSatisfied: Bool {
        options.limit.map { rows >= $0 } ?? false
    }

    /// Reads the next chunk of the file.
    /// - Throws: `B2Error` `.malformedData` for a row with more fields than the header.
    public mutating func consume<Bytes: Sequence<UInt8>>(_ chunk: Bytes) throws {
        for byte in chunk {
            if isSatisfied { return }
            if !leadKnown {
                lead.append(byte)
                if lead.count < 3, Self.bom.starts(with: lead) { continue }
                try settleLead()
                continue
            }
            try step(byte)
        }
    }

    /// A UTF-8 byte order mark, dropped when the file starts with one.
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    /// The first bytes, held until it is known whether they are a byte order mark.
    private var lead: [UInt8] = []
    private var leadKnown = false

    private mutating func settleLead() throws {
        leadKnown = true
        if lead != Self.bom {
            for byte in lead { try step(byte) }
        }
        lead = []
    }

    private mutating func step(_ byte: UInt8) throws {
        let quote = UInt8(ascii: "\"")
        let newline = UInt8(ascii: "\n")
        let carriage = UInt8(ascii: "\r")
        if pendingCR {
            pendingCR = false
            if byte == newline { return }
        }
        if byte != newline, byte != carriage { recordHasBytes = true }
        switch state {
        case .fieldStart:
            if byte == quote {
                state = .quoted
            } else if byte == options.delimiter {
                endField()
            } else if byte == newline || byte == carriage {
                pendingCR = byte == carriage
                try endRecord()
            } else {
                field.append(byte)
                state = .unquoted
            }
        case .unquoted:
            if byte == options.delimiter {
                endField()
                state = .fieldStart
            } else if byte == newline || byte == carriage {
                pendingCR = byte == carriage
                try endRecord()
            } else {
                field.append(byte)
            }
        case .quoted:
            if byte == quote {
                state = .quoteInQuoted
            } else {
                if byte == newline { line += 1 }
                field.append(byte)
            }
        case .quoteInQuoted:
            if byte == quote {
                field.append(quote)
                state = .quoted
            } else if byte == options.delimiter {
                endField()
                state = .fieldStart
            } else if byte == newline || byte == carriage {
                pendingCR = byte == carriage
                try endRecord()
            } else {
                // Text after a closing quote (`"ab"c`) is kept, as pandas does.
                field.append(byte)
                state = .unquoted
            }
        }
    }

    private mutating func endField() {
        record.append(field)
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord() throws {
        endField()
        state = .fieldStart
        let blank = !recordHasBytes
        defer {
            record.removeAll(keepingCapacity: true)
            recordHasBytes = false
            line += 1
            recordLine = line
        }
        // A blank line is skipped, as pandas skips it.
        if blank { return }
        guard let header else {
            startColumns(names: record.map { String(decoding: $0, as: UTF8.self) })
            return
        }
        guard record.count <= header.count else {
            throw B2Error(
                .malformedData,
                "CSV line \(recordLine) has \(record.count) fields but the header has \(header.count): quote fields "
                    + "that contain the delimiter, or check the delimiter"
            )
        }
        for index in 0..<header.count {
            if index < record.count { cells[index].append(record[index]) } else { cells[index].append([]) }
        }
        rows += 1
    }

    /// Names the columns as pandas does: `Unnamed: N` for an empty name, and `a.1`, `a.2` for repeats (skipping
    /// names already taken).
    private mutating func startColumns(names raw: [String]) {
        var counts: [String: Int] = [:]
        var names: [String] = []
        for (index, name) in raw.enumerated() {
            var name = name.isEmpty ? "Unnamed: \(index)" : name
            var seen = counts[name, default: 0]
            while seen > 0 {
                counts[name] = seen + 1
                name = "\(name).\(seen)"
                seen = counts[name, default: 0]
            }
            counts[name] = seen + 1
            names.append(name)
        }
        header = names
        cells = names.map { _ in CellColumn() }
    }

    /// Ends the file and infers the columns' types.
    /// - Throws: `B2Error` `.malformedData` for a quote left open at the end; `.usage` when a `parseDates`
    ///   column does not exist.
    public mutating func finish() throws -> Table {
        if !leadKnown { try settleLead() }
        if state == .quoted {
            throw B2Error(
                .malformedData,
                "The CSV ends inside a quoted field that starts on line \(recordLine): close the quote"
            )
        }
        if !isSatisfied, !(field.isEmpty && record.isEmpty && state == .fieldStart) {
            try endRecord()
        }
        guard let header else { return try Table(columns: []) }
        for name in options.parseDates where !header.contains(name) {
            throw B2Error(
                .usage, "No column named '\(name)' to parse as dates: the columns are \(header.joined(separator: ", "))"
            )
        }
        let columns = try zip(header, cells).map { name, cells in
            try CSVInference.column(
                name: name, cells: cells, missing: options.missingValues, asDates: options.parseDates.contains(name)
            )
        }
        return try Table(columns: columns)
    }

    /// Reads a whole CSV held in memory.
    public static func read<Bytes: Sequence<UInt8>>(_ bytes: Bytes, options: Options = Options()) throws -> Table {
        var reader = CSVReader(options: options)
        try reader.consume(bytes)
        return try reader.finish()
    }
}

/// The raw cells of one column, before their type is known: offsets into one byte buffer.
struct CellColumn: Sendable {
    var offsets: [Int] = [0]
    var bytes: [UInt8] = []

    var count: Int { offsets.count - 1 }

    mutating func append(_ cell: [UInt8]) {
        bytes.append(contentsOf: cell)
        offsets.append(bytes.count)
    }

    subscript(index: Int) -> ArraySlice<UInt8> { bytes[offsets[index]..<offsets[index + 1]] }
}
