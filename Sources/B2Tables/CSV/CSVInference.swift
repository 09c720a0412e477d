import B2Kit
import B2SigV4

/// pandas' type inference for one CSV column.
enum CSVInference {
    static func column(name: String, cells: CellColumn, missing: Set<String>, asDates: Bool) throws -> Column {
        let count = cells.count
        var isMissing = [Bool](repeating: false, count: count)
        var missingCount = 0
        let matcher = MissingValueMatcher(missing)
        cells.withView { view in
            for row in 0..<count where matcher.matches(view[row]) {
                isMissing[row] = true
                missingCount += 1
            }
        }
        if asDates {
            return try timestamps(name: name, cells: cells, isMissing: isMissing)
        }
        if missingCount == count {
            // pandas reads an all-missing column as float64 NaN.
            var builder = ColumnBuilder(name: name, type: .double, capacity: count)
            for _ in 0..<count { builder.appendNull() }
            return builder.build()
        }
        if let integers = cells.withView({ Self.integers($0, isMissing: isMissing) }) {
            if missingCount == 0 {
                return try Column(name: name, type: .int64, storage: .integers(integers))
            }
            var builder = ColumnBuilder(name: name, type: .double, capacity: count)
            for row in 0..<count {
                if isMissing[row] { builder.appendNull() } else { builder.append(Double(integers[row])) }
            }
            return builder.build()
        }
        if let column = cells.withView({
            Self.doubles(name: name, $0, isMissing: isMissing, missingCount: missingCount)
        }) {
            return column
        }
        if missingCount == 0, let booleans = booleans(cells) {
            return try Column(name: name, type: .bool, storage: .booleans(booleans))
        }
        if missingCount == 0 {
            // Every cell is a value: the cells' buffers are the column's.
            return try Column(name: name, type: .string, storage: .bytes(offsets: cells.offsets, bytes: cells.bytes))
        }
        var builder = ColumnBuilder(name: name, type: .string, capacity: count)
        cells.withView { view in
            for row in 0..<count {
                if isMissing[row] { builder.appendNull() } else { builder.append(bytes: view[row]) }
            }
        }
        return builder.build()
    }

    /// Every non-missing cell as an Int64, or nil when one is not an integer (or does not fit).
    static func integers(_ cells: CellColumn.View, isMissing: [Bool]) -> [Int64]? {
        parsed(cells, isMissing: isMissing, missing: 0, parseInteger)
    }

    /// Every cell parsed (`missing` where missing), or nil at the first that does not parse. The values are written
    /// as the cells parse, so a text column (which fails on its first cell) costs no memory.
    private static func parsed<Value>(
        _ cells: CellColumn.View, isMissing: [Bool], missing: Value, _ parse: (UnsafeBufferPointer<UInt8>) -> Value?
    ) -> [Value]? {
        var failed = false
        let values = [Value](unsafeUninitializedCapacity: cells.count) { values, initialized in
            for row in 0..<cells.count {
                guard let value = isMissing[row] ? missing : parse(cells[row]) else {
                    // Nothing counts as initialized: the rows written so far are plain values, dropped as is.
                    failed = true
                    return
                }
                (values.baseAddress! + row).initialize(to: value)
            }
            initialized = cells.count
        }
        return failed ? nil : values
    }

    static func parseInteger(_ cell: UnsafeBufferPointer<UInt8>) -> Int64? {
        let space = UInt8(ascii: " ")
        var start = 0
        var end = cell.count
        while start < end, cell[start] == space { start += 1 }
        while end > start, cell[end - 1] == space { end -= 1 }
        var negative = false
        if start < end, cell[start] == UInt8(ascii: "-") || cell[start] == UInt8(ascii: "+") {
            negative = cell[start] == UInt8(ascii: "-")
            start += 1
        }
        guard start < end, end - start <= 19 else { return nil }
        var magnitude: UInt64 = 0
        for index in start..<end {
            let digit = cell[index] &- 48
            guard digit <= 9 else { return nil }
            magnitude = magnitude * 10 + UInt64(digit)
        }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// Every non-missing cell as a Double, or nil when one is not a number.
    static func doubles(name: String, _ cells: CellColumn.View, isMissing: [Bool], missingCount: Int) -> Column? {
        guard let values = parsed(cells, isMissing: isMissing, missing: Double.nan, parseDouble) else { return nil }
        var validity: Validity?
        if missingCount > 0 {
            var bits = Validity()
            bits.reserveCapacity(cells.count)
            for missing in isMissing { bits.append(!missing) }
            validity = bits
        }
        // The values and the validity cover the same rows.
        return Column(unchecked: name, type: .double, storage: .doubles(values), validity: validity)
    }

    static func parseDouble(_ cell: UnsafeBufferPointer<UInt8>) -> Double? {
        if let value = DecimalParsing.exactDouble(cell) { return value }
        // Hexadecimal floats are Swift's, not pandas'.
        guard !cell.isEmpty, !cell.contains(UInt8(ascii: "x")), !cell.contains(UInt8(ascii: "X")) else { return nil }
        let text = String(decoding: cell, as: UTF8.self).trimmingSpaces()
        return Double(text)
    }

    /// Every cell as a pandas boolean spelling, or nil.
    static func booleans(_ cells: CellColumn) -> [Bool]? {
        var values = [Bool](repeating: false, count: cells.count)
        for row in 0..<cells.count {
            switch String(decoding: cells[row], as: UTF8.self) {
            case "True", "TRUE", "true": values[row] = true
            case "False", "FALSE", "false": values[row] = false
            default: return nil
            }
        }
        return values
    }

    /// A column asked for as dates: ISO 8601 dates or date-times, as nanosecond timestamps (UTC when the texts
    /// carry `Z` or an offset, naive otherwise), as pandas' `parse_dates` gives.
    static func timestamps(name: String, cells: CellColumn, isMissing: [Bool]) throws -> Column {
        var parsed: [(ticks: Int64, zoned: Bool)?] = []
        parsed.reserveCapacity(cells.count)
        var zoned: Bool?
        for row in 0..<cells.count {
            if isMissing[row] {
                parsed.append(nil)
                continue
            }
            let text = String(decoding: cells[row], as: UTF8.self)
            guard let value = ISO8601Timestamp.parse(text) else {
                throw B2Error(
                    .malformedData,
                    "Column \(name) row \(row): '\(text)' is not an ISO 8601 date or date-time (2024-05-01, "
                        + "2024-05-01 12:00:00, 2024-05-01T12:00:00Z)"
                )
            }
            if let known = zoned, known != value.zoned {
                throw B2Error(
                    .malformedData,
                    "Column \(name) mixes times with and without a zone: give every value a zone, or none"
                )
            }
            zoned = value.zoned
            parsed.append(value)
        }
        var builder = ColumnBuilder(
            name: name, type: .timestamp(.nanoseconds, timeZone: zoned == true ? "UTC" : nil), capacity: cells.count
        )
        for value in parsed {
            if let value { builder.append(value.ticks) } else { builder.appendNull() }
        }
        return builder.build()
    }
}

extension String {
    /// Without leading and trailing ASCII spaces.
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
