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

    /// A JSON value as compact text (for nested values kept as text).
    static func text(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let integer): String(integer)
        case .number(let number): number.isFinite ? String(number) : "null"
        case .string(let text): String(decoding: quoted(text), as: UTF8.self)
        case .array(let elements): "[" + elements.map(text(of:)).joined(separator: ",") + "]"
        case .object(let members):
            "{"
                + members.map { String(decoding: quoted($0.0), as: UTF8.self) + ":" + text(of: $0.1) }
                .joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case 10: out += Array("\\n".utf8)
            case 13: out += Array("\\r".utf8)
            case 9: out += Array("\\t".utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                out += Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
