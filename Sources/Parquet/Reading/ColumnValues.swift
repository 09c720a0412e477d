/// The decoded values of one column, one slot per row (a null row holds a zero or empty value).
public enum ColumnValues: Sendable, Equatable {
    /// BOOLEAN.
    case booleans([Bool])
    /// INT32.
    case int32s([Int32])
    /// INT64.
    case int64s([Int64])
    /// INT96 timestamps, as nanoseconds since 1970.
    case int96s([Int64])
    /// FLOAT.
    case floats([Float])
    /// DOUBLE.
    case doubles([Double])
    /// BYTE_ARRAY: value `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
    case byteArrays(offsets: [Int], bytes: [UInt8])
    /// FIXED_LEN_BYTE_ARRAY of `width` bytes each.
    case fixed(width: Int, bytes: [UInt8])

    var count: Int {
        switch self {
        case .booleans(let values): values.count
        case .int32s(let values): values.count
        case .int64s(let values), .int96s(let values): values.count
        case .floats(let values): values.count
        case .doubles(let values): values.count
        case .byteArrays(let offsets, _): offsets.count - 1
        case .fixed(let width, let bytes): width == 0 ? 0 : bytes.count / width
        }
    }
}

/// A column read from a file: its schema element, values, and which rows are not null.
public struct ParquetColumn: Sendable, Equatable {
    /// The schema element (name, types, annotations).
    public let element: SchemaElement
    /// One value slot per row.
    public let values: ColumnValues
    /// Per row, true when it holds a value; nil when the column has no nulls.
    public let valid: [Bool]?
}
