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
        case .binary(let bytes): bytes.map { String($0, radix: 16) }.joined()
        case .date(let days): String(days)
        case .timestamp(let ticks): String(ticks)
        case .decimal(let unscaled): String(unscaled)
        }
    }
}
