import B2JSON

/// Writes a table as JSON records (`[{...}, ...]`) or JSON Lines, as pandas' `to_json(orient="records")` and
/// `to_json(orient="records", lines=True)` do: nulls and NaN as `null`, dates and timestamps as epoch
/// milliseconds, keys in column order.
public struct JSONTableWriter: Sendable {
    /// Records in one array, or one record per line.
    public var lines: Bool

    /// Creates a writer.
    public init(lines: Bool = false) {
        self.lines = lines
    }

    /// Encodes the table, handing out chunks of about `chunkSize` bytes.
    public func write(_ table: Table, chunkSize: Int = 1 << 20, emit: ([UInt8]) throws -> Void) rethrows {
        var out: [UInt8] = lines ? [] : [UInt8(ascii: "[")]
        let keys = table.columns.map { Self.quoted($0.name) }
        for row in 0..<table.rowCount {
            if !lines, row > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            for (index, column) in table.columns.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += keys[index]
                out.append(UInt8(ascii: ":"))
                out += Array(Self.cell(column, row: row).utf8)
            }
            out.append(UInt8(ascii: "}"))
            if lines { out.append(10) }
            if out.count >= chunkSize {
                try emit(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        if !lines { out.append(UInt8(ascii: "]")) }
        if !out.isEmpty { try emit(out) }
    }

    /// The whole table as JSON bytes.
    public func encode(_ table: Table) -> [UInt8] {
        var all: [UInt8] = []
        write(table) { all += $0 }
        return all
    }

    static func cell(_ column: Column, row: Int) -> String {
        guard let value = column[row] else { return "null" }
        switch (value, column.type) {
        case (.double(let number), _): return number.isFinite ? String(number) : "null"
        case (.bool(let flag), _): return flag ? "true" : "false"
        case (.string(let text), _): return String(decoding: quoted(text), as: UTF8.self)
        case (.date(let days), _): return String(days * 86_400_000)
        case (.timestamp(let ticks), .timestamp(let unit, _)):
            return String(ticks / max(1, unit.perSecond / 1000) * (unit == .seconds ? 1000 : 1))
        case (.decimal(let unscaled), .decimal(_, let scale)): return TablePrinter.decimalText(unscaled, scale: scale)
        case (.binary(let bytes), _):
            return String(decoding: quoted(String(decoding: bytes, as: UTF8.self)), as: UTF8.self)
        default: return value.description
        }
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        JSONValue.string(text).write(into: &out)
        return out
    }
}
