/// One cell of a table, typed.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    /// An integer.
    case int64(Int64)
    /// A float.
    case double(Double)
    /// A boolean.
    case bool(Bool)
    /// Text.
    case string(String)
    /// Bytes.
    case binary([UInt8])
    /// Days since 1970-01-01.
    case date(Int64)
    /// A count of the column's unit since 1970-01-01T00:00:00.
    case timestamp(Int64)
    /// An unscaled decimal (the column's scale applies).
    case decimal(Int128)

    /// The value as text, without type-specific formatting.
    public var description: String {
        switch self {
        case .int64(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): value ? "True" : "False"
        case .string(let value): value
        case .binary(let bytes): Self.bytesLiteral(bytes)
        case .date(let days): String(days)
        case .timestamp(let ticks): String(ticks)
        case .decimal(let unscaled): String(unscaled)
        }
    }

    /// Bytes as Python shows them: `b'03/01/09'`, with `\xNN` for bytes that are not printable ASCII.
    static func bytesLiteral(_ bytes: [UInt8]) -> String {
        var text = "b'"
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "'"): text += "\\'"
            case UInt8(ascii: "\\"): text += "\\\\"
            case 0x20..<0x7F: text.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return text + "'"
    }
}
