import B2SigV4

/// Writes a table as CSV the way pandas' `to_csv(index=False)` does: a header row, `\n` line ends, fields quoted
/// only when they hold the delimiter, a quote or a line break (quotes doubled), nulls as empty fields, booleans as
/// `True`/`False`, floats in their shortest round-trip form, timestamps as `YYYY-MM-DD HH:MM:SS[.fraction]`.
public struct CSVWriter: Sendable {
    /// The field separator.
    public var delimiter: UInt8

    /// Creates a writer.
    public init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.delimiter = delimiter
    }

    /// Encodes the table, handing out chunks of about `chunkSize` bytes as they fill (for streaming uploads).
    public func write(_ table: Table, chunkSize: Int = 1 << 20, emit: ([UInt8]) throws -> Void) rethrows {
        var out: [UInt8] = []
        out.reserveCapacity(chunkSize + 4096)
        for (index, column) in table.columns.enumerated() {
            if index > 0 { out.append(delimiter) }
            appendField(Array(column.name.utf8)[...], to: &out)
        }
        out.append(UInt8(ascii: "\n"))
        for row in 0..<table.rowCount {
            for (index, column) in table.columns.enumerated() {
                if index > 0 { out.append(delimiter) }
                append(column, row: row, to: &out)
            }
            out.append(UInt8(ascii: "\n"))
            if out.count >= chunkSize {
                try emit(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        if !out.isEmpty { try emit(out) }
    }

    /// The whole table as CSV bytes.
    public func encode(_ table: Table) -> [UInt8] {
        var all: [UInt8] = []
        write(table) { all += $0 }
        return all
    }

    private func append(_ column: Column, row: Int, to out: inout [UInt8]) {
        if column.isNull(row) { return }
        switch (column.type, column.storage) {
        case (.int64, .integers(let values)):
            out.append(contentsOf: String(values[row]).utf8)
        case (.date, .integers(let values)):
            out.append(contentsOf: CivilDate.text(days: values[row]).utf8)
        case (.timestamp(let unit, let zone), .integers(let values)):
            out.append(contentsOf: CivilDate.text(ticks: values[row], unit: unit).utf8)
            if zone != nil { out.append(contentsOf: "+00:00".utf8) }
        case (.double, .doubles(let values)):
            let value = values[row]
            if value.isNaN { return }
            out.append(contentsOf: String(value).utf8)
        case (.bool, .booleans(let values)):
            out.append(contentsOf: (values[row] ? "True" : "False").utf8)
        case (.decimal(_, let scale), .decimals(let values)):
            out.append(contentsOf: TablePrinter.decimalText(values[row], scale: scale).utf8)
        case (_, .bytes(let offsets, let bytes)):
            appendField(bytes[offsets[row]..<offsets[row + 1]], to: &out)
        default:
            out.append(contentsOf: (column[row]?.description ?? "").utf8)
        }
    }

    private func appendField(_ field: ArraySlice<UInt8>, to out: inout [UInt8]) {
        let quote = UInt8(ascii: "\"")
        let needsQuotes = field.contains { $0 == delimiter || $0 == quote || $0 == 10 || $0 == 13 }
        guard needsQuotes else {
            out.append(contentsOf: field)
            return
        }
        out.append(quote)
        for byte in field {
            if byte == quote { out.append(quote) }
            out.append(byte)
        }
        out.append(quote)
    }
}
