/// Which cells of a column hold a value: one bit per row, set when the row is not null.
public struct Validity: Sendable, Hashable {
    private(set) var words: [UInt64]
    /// The number of rows covered.
    public private(set) var count: Int
    /// The number of null rows.
    public private(set) var nullCount: Int

    /// Creates an empty bitmap.
    public init() {
        words = []
        count = 0
        nullCount = 0
    }

    /// Creates a bitmap of `count` valid rows.
    public init(allValid count: Int) {
        words = Array(repeating: ~0, count: (count + 63) / 64)
        self.count = count
        nullCount = 0
    }

    /// True when row `index` holds a value.
    public func isValid(_ index: Int) -> Bool {
        words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// Appends one row.
    public mutating func append(_ valid: Bool) {
        if count & 63 == 0 { words.append(0) }
        if valid {
            words[count >> 6] |= 1 << UInt64(count & 63)
        } else {
            nullCount += 1
        }
        count += 1
    }

    /// Reserves room for `rows` rows.
    public mutating func reserveCapacity(_ rows: Int) {
        words.reserveCapacity((rows + 63) / 64)
    }
}
