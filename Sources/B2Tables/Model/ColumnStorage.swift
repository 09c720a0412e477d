/// The contiguous buffers behind a column.
public enum ColumnStorage: Sendable, Hashable {
    /// Int64, date (days) and timestamp (ticks) columns.
    case integers([Int64])
    /// Double columns.
    case doubles([Double])
    /// Bool columns.
    case booleans([Bool])
    /// String and binary columns: value `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
    case bytes(offsets: [Int], bytes: [UInt8])
    /// Decimal columns: unscaled values.
    case decimals([Int128])

    /// The number of rows.
    public var count: Int {
        switch self {
        case .integers(let values): values.count
        case .doubles(let values): values.count
        case .booleans(let values): values.count
        case .bytes(let offsets, _): max(0, offsets.count - 1)
        case .decimals(let values): values.count
        }
    }
}

extension ColumnStorage {
    /// Equal when the same kind holds the same values; NaN equals NaN (a null double is stored as NaN).
    public static func == (lhs: ColumnStorage, rhs: ColumnStorage) -> Bool {
        switch (lhs, rhs) {
        case (.integers(let left), .integers(let right)): left == right
        case (.doubles(let left), .doubles(let right)):
            left.count == right.count && zip(left, right).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        case (.booleans(let left), .booleans(let right)): left == right
        case (.bytes(let leftOffsets, let leftBytes), .bytes(let rightOffsets, let rightBytes)):
            leftOffsets == rightOffsets && leftBytes == rightBytes
        case (.decimals(let left), .decimals(let right)): left == right
        default: false
        }
    }

    /// Hashes the kind and the row count (enough for tables, and consistent with NaN-equal doubles).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
    }
}
