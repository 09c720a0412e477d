/// The type of a table column.
public enum DataType: Sendable, Hashable, CustomStringConvertible {
    /// 64-bit signed integers.
    case int64
    /// 64-bit floating point.
    case double
    /// true / false.
    case bool
    /// UTF-8 text.
    case string
    /// Raw bytes.
    case binary
    /// A calendar date, stored as days since 1970-01-01.
    case date
    /// An instant or wall-clock time, stored as a count of `unit` since 1970-01-01T00:00:00; `timeZone` is nil for
    /// a wall-clock time (no zone), else the zone it is shown in (`UTC`, `+02:00`, `Europe/Paris`).
    case timestamp(TimeUnit, timeZone: String?)
    /// A fixed-point decimal: an unscaled integer and a scale (value = unscaled / 10^scale).
    case decimal(precision: Int, scale: Int)

    /// The name pandas would print for the type, roughly (`int64`, `float64`, `bool`, `object`, ...).
    public var description: String {
        switch self {
        case .int64: "int64"
        case .double: "float64"
        case .bool: "bool"
        case .string: "string"
        case .binary: "binary"
        case .date: "date"
        case .timestamp(let unit, let zone): "timestamp[\(unit.rawValue)\(zone.map { ", \($0)" } ?? "")]"
        case .decimal(let precision, let scale): "decimal(\(precision), \(scale))"
        }
    }
}

/// The unit of a timestamp.
public enum TimeUnit: String, Sendable, Hashable, CaseIterable {
    /// Seconds.
    case seconds = "s"
    /// Milliseconds.
    case milliseconds = "ms"
    /// Microseconds.
    case microseconds = "us"
    /// Nanoseconds.
    case nanoseconds = "ns"

    /// Units in one second.
    public var perSecond: Int64 {
        switch self {
        case .seconds: 1
        case .milliseconds: 1000
        case .microseconds: 1_000_000
        case .nanoseconds: 1_000_000_000
        }
    }
}
