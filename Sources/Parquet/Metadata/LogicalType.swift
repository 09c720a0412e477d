/// What a column's values mean: Parquet's logical type annotations, with the legacy converted types mapped onto
/// them.
public enum LogicalType: Sendable, Hashable {
    /// UTF-8 text.
    case string
    /// A map (nested).
    case map
    /// A list (nested).
    case list
    /// An enum's name as text.
    case enumeration
    /// A decimal of `precision` digits, `scale` of them after the point.
    case decimal(precision: Int32, scale: Int32)
    /// Days since 1970-01-01.
    case date
    /// A time of day.
    case time(unit: Unit, adjustedToUTC: Bool)
    /// An instant (adjusted to UTC) or a local date-time.
    case timestamp(unit: Unit, adjustedToUTC: Bool)
    /// An integer of a width and signedness.
    case integer(bitWidth: Int8, signed: Bool)
    /// JSON text.
    case json
    /// BSON bytes.
    case bson
    /// A 16-byte UUID.
    case uuid
    /// Half-precision floats.
    case float16
    /// Always null.
    case unknown
    /// An annotation this reader does not know (a newer writer's): the physical type applies.
    case unrecognized(Int16)

    /// A time unit.
    public enum Unit: Sendable, Hashable {
        /// Milliseconds.
        case millis
        /// Microseconds.
        case micros
        /// Nanoseconds.
        case nanos
    }
}
