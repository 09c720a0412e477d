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
    /// The header's fields so far; data fields go straight to their column's cells.
    private var headerFields: [[UInt8]] = []
    private var field: [UInt8] = []
    /// The fields ended so far in the current record (past the header's count too, for the error message).
    private var fieldCount = 0
    private var header: [String]?
    private var cells: [CellColumn] = []
    /// This chunk's cells, on their way to `cells`; empty between calls.
    private var staging = CellStaging(columns: 0)
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
        let done: Void? = try chunk.withContiguousStorageIfAvailable { try consume(buffer: $0) }
        if done == nil {
            try Array(chunk).withUnsafeBufferPointer { try consume(buffer: $0) }
        }
    }

    /// Says how many bytes the whole file has, so once the first rows show how they spread over the columns, each
    /// column's cells are given room for the whole file at once, rather than regrown (and copied) as they fill.
    public mutating func expect(byteCount: Int) {
        expectedBytes = byteCount
    }

    private var expectedBytes: Int?
    private var consumedBytes = 0

    /// Reserves each column's room for the rest of the file, scaled from what arrived so far (a few percent over, so
    /// a slightly denser tail does not regrow them).
    private mutating func reserveForExpectedBytes() {
        guard let expected = expectedBytes, options.limit == nil, header != nil, rows >= 1000,
            consumedBytes >= 1 << 18
        else { return }
        expectedBytes = nil
        let scale = Double(expected) / Double(consumedBytes) * 1.03
        guard scale > 1.1, scale < 1e6 else { return }
        for index in cells.indices {
            cells[index].offsets.reserveCapacity(Int(Double(cells[index].offsets.count) * scale) + 64)
            cells[index].bytes.reserveCapacity(Int(Double(cells[index].bytes.count) * scale) + 4096)
        }
    }

    private mutating func consume(buffer: UnsafeBufferPointer<UInt8>) throws {
        if !isKnownUniquelyReferenced(&staging) { staging = CellStaging(columns: cells.count) }
        defer {
            staging.flush(into: &cells)
            consumedBytes += buffer.count
            reserveForExpectedBytes()
        }
        var index = 0
        while !leadKnown, index < buffer.count {
            if isSatisfied { return }
            lead.append(buffer[index])
            index += 1
            if lead.count < 3, Self.bom.starts(with: lead) { continue }
            try settleLead()
        }
        try tokenize(buffer, from: index)
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

    /// Runs the bytes through `step`, taking runs of plain field bytes (and of quoted ones) in one append.
    private mutating func tokenize(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) throws {
        let quote = UInt8(ascii: "\"")
        let newline = UInt8(ascii: "\n")
        let carriage = UInt8(ascii: "\r")
        let delimiter = options.delimiter
        var index = start
        let end = buffer.count
        while index < end {
            if isSatisfied { return }
            if !pendingCR {
                switch state {
                case .fieldStart, .unquoted:
                    if state == .fieldStart, buffer[index] == quote { break }
                    let stop = Self.nextSpecial(in: buffer, from: index, delimiter: delimiter)
                    if stop > index {
                        appendToField(UnsafeBufferPointer(rebasing: buffer[index..<stop]), readable: end - index >= 16)
                        recordHasBytes = true
                        state = .unquoted
                    }
                    guard stop < end else { return }
                    index = stop + 1
                    if buffer[stop] == delimiter {
                        // What `step` does for a delimiter outside quotes.
                        recordHasBytes = true
                        endField()
                        state = .fieldStart
                    } else {
                        pendingCR = buffer[stop] == carriage
                        try endRecord()
                    }
                    continue
                case .quoted:
                    var stop = index
                    while stop < end {
                        let byte = buffer[stop]
                        if byte == quote { break }
                        if byte == newline { line += 1 }
                        stop += 1
                    }
                    if stop > index {
                        appendToField(UnsafeBufferPointer(rebasing: buffer[index..<stop]), readable: end - index >= 16)
                        recordHasBytes = true
                        index = stop
                        continue
                    }
                case .quoteInQuoted:
                    break
                }
            }
            try step(buffer[index])
            index += 1
        }
    }

    /// The index of the first delimiter, line feed or carriage return at or after `start`, or the end; eight
    /// bytes at a time while none is among them.
    private static func nextSpecial(in buffer: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let delimiters = ones &* UInt64(delimiter)
        let newlines = ones &* UInt64(UInt8(ascii: "\n"))
        let carriages = ones &* UInt64(UInt8(ascii: "\r"))
        var index = start
        let end = buffer.count
        if let base = buffer.baseAddress {
            while end - index >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                // A byte equal to the target becomes zero; `(x - 0x01..) & ~x & 0x80..` marks zero bytes, exactly
                // for the lowest one (the first in memory).
                let x = word ^ delimiters
                let y = word ^ newlines
                let z = word ^ carriages
                let found = ((x &- ones) & ~x | (y &- ones) & ~y | (z &- ones) & ~z) & highs
                if found != 0 { return index + found.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        while index < end {
            let byte = buffer[index]
            if byte == delimiter || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { return index }
            index += 1
        }
        return end
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
                appendToField(byte)
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
                appendToField(byte)
            }
        case .quoted:
            if byte == quote {
                state = .quoteInQuoted
            } else {
                if byte == newline { line += 1 }
                appendToField(byte)
            }
        case .quoteInQuoted:
            if byte == quote {
                appendToField(quote)
                state = .quoted
            } else if byte == options.delimiter {
                endField()
                state = .fieldStart
            } else if byte == newline || byte == carriage {
                pendingCR = byte == carriage
                try endRecord()
            } else {
                // Text after a closing quote (`"ab"c`) is kept, as pandas does.
                appendToField(byte)
                state = .unquoted
            }
        }
    }

    private mutating func appendToField(_ byte: UInt8) {
        if header == nil {
            field.append(byte)
        } else if fieldCount < staging.columnCount {
            staging.append(byte, to: fieldCount)
        }
    }

    /// `readable`: the 16 bytes from `bytes`' start lie inside the chunk.
    private mutating func appendToField(_ bytes: UnsafeBufferPointer<UInt8>, readable: Bool) {
        if header == nil {
            field.append(contentsOf: bytes)
        } else if fieldCount < staging.columnCount {
            staging.append(bytes, to: fieldCount, readable: readable)
        }
    }

    private mutating func endField() {
        if header == nil {
            headerFields.append(field)
            field.removeAll(keepingCapacity: true)
        } else if fieldCount < staging.columnCount {
            staging.endCell(fieldCount)
        }
        fieldCount += 1
    }

    private mutating func endRecord() throws {
        state = .fieldStart
        let blank = !recordHasBytes
        defer {
            if header == nil || !headerFields.isEmpty {
                headerFields = []
                field = []
            }
            fieldCount = 0
            recordHasBytes = false
            line += 1
            recordLine = line
        }
        // A blank line is skipped, as pandas skips it: it has no bytes, so nothing of it was kept.
        if blank { return }
        endField()
        guard let header else {
            startColumns(names: headerFields.map { String(decoding: $0, as: UTF8.self) })
            return
        }
        guard fieldCount <= header.count else {
            throw B2Error(
                .malformedData,
                "CSV line \(recordLine) has \(fieldCount) fields but the header has \(header.count): quote fields "
                    + "that contain the delimiter, or check the delimiter"
            )
        }
        for index in fieldCount..<header.count { staging.endCell(index) }
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
        staging = CellStaging(columns: names.count)
    }

    /// Ends the file and infers the columns' types.
    /// - Throws: `B2Error` `.malformedData` for a quote left open at the end; `.usage` when a `parseDates`
    ///   column does not exist.
    public mutating func finish() throws -> Table {
        if !isKnownUniquelyReferenced(&staging) { staging = CellStaging(columns: cells.count) }
        defer { staging.flush(into: &cells) }
        if !leadKnown { try settleLead() }
        if state == .quoted {
            throw B2Error(
                .malformedData,
                "The CSV ends inside a quoted field that starts on line \(recordLine): close the quote"
            )
        }
        if !isSatisfied, fieldCount > 0 || state != .fieldStart {
            try endRecord()
        }
        staging.flush(into: &cells)
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
