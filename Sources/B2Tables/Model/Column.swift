import B2Kit

/// A named, typed column: contiguous values and a validity bitmap.
///
/// A null row still has a slot in the values (zero, or an empty string); `validity` says which rows are null, and
/// is nil when none is.
public struct Column: Sendable, Hashable {
    /// The column's name.
    public var name: String
    /// The column's type.
    public let type: DataType
    /// The values.
    public let storage: ColumnStorage
    /// Which rows hold a value; nil when every row does.
    public let validity: Validity?

    /// Creates a column, checking the storage fits the type and the validity covers every row.
    /// - Throws: `B2Error` `.invalidRequest` when they do not fit.
    public init(name: String, type: DataType, storage: ColumnStorage, validity: Validity? = nil) throws {
        let fits: Bool =
            switch (type, storage) {
            case (.int64, .integers), (.date, .integers), (.timestamp, .integers), (.double, .doubles),
                (.bool, .booleans), (.string, .bytes), (.binary, .bytes), (.decimal, .decimals):
                true
            default: false
            }
        guard fits else {
            throw B2Error(.invalidRequest, "Column \(name) of type \(type) cannot hold \(storage) values")
        }
        if let validity, validity.count != storage.count {
            throw B2Error(
                .invalidRequest,
                "Column \(name) has \(storage.count) values but a validity bitmap of \(validity.count) rows"
            )
        }
        self.init(unchecked: name, type: type, storage: storage, validity: validity)
    }

    /// Creates a column whose storage is known to fit its type and validity.
    init(unchecked name: String, type: DataType, storage: ColumnStorage, validity: Validity?) {
        self.name = name
        self.type = type
        self.storage = storage
        self.validity = validity?.nullCount == 0 ? nil : validity
    }

    /// The number of rows.
    public var count: Int { storage.count }

    /// The number of null rows.
    public var nullCount: Int { validity?.nullCount ?? 0 }

    /// True when row `row` is null.
    public func isNull(_ row: Int) -> Bool {
        validity.map { !$0.isValid(row) } ?? false
    }

    /// The value of row `row`, or nil when it is null.
    public subscript(row: Int) -> Value? {
        if isNull(row) { return nil }
        switch (type, storage) {
        case (.date, .integers(let values)): return .date(values[row])
        case (.timestamp, .integers(let values)): return .timestamp(values[row])
        case (_, .integers(let values)): return .int64(values[row])
        case (_, .doubles(let values)): return .double(values[row])
        case (_, .booleans(let values)): return .bool(values[row])
        case (.binary, .bytes(let offsets, let bytes)): return .binary(Array(bytes[offsets[row]..<offsets[row + 1]]))
        case (_, .bytes(let offsets, let bytes)):
            return .string(String(decoding: bytes[offsets[row]..<offsets[row + 1]], as: UTF8.self))
        case (_, .decimals(let values)): return .decimal(values[row])
        }
    }

    /// The first `count` rows.
    public func prefix(_ count: Int) -> Column {
        let rows = min(count, self.count)
        var validity: Validity?
        if let source = self.validity {
            var cut = Validity()
            for row in 0..<rows { cut.append(source.isValid(row)) }
            validity = cut
        }
        let storage: ColumnStorage =
            switch self.storage {
            case .integers(let values): .integers(Array(values.prefix(rows)))
            case .doubles(let values): .doubles(Array(values.prefix(rows)))
            case .booleans(let values): .booleans(Array(values.prefix(rows)))
            case .bytes(let offsets, let bytes):
                .bytes(offsets: Array(offsets.prefix(rows + 1)), bytes: Array(bytes.prefix(offsets[rows])))
            case .decimals(let values): .decimals(Array(values.prefix(rows)))
            }
        // The parts of a valid column stay valid when cut.
        return Column(unchecked: name, type: type, storage: storage, validity: validity)
    }

    /// Equal when name, type, nulls and the values of non-null rows match (what a null row's slot holds does not
    /// matter).
    public static func == (lhs: Column, rhs: Column) -> Bool {
        guard lhs.name == rhs.name, lhs.type == rhs.type, lhs.count == rhs.count, lhs.validity == rhs.validity else {
            return false
        }
        if lhs.validity == nil { return lhs.storage == rhs.storage }
        return (0..<lhs.count).allSatisfy { row in
            if lhs.isNull(row) { return true }
            if case .double(let left)? = lhs[row], case .double(let right)? = rhs[row] {
                return left == right || (left.isNaN && right.isNaN)
            }
            return lhs[row] == rhs[row]
        }
    }

    /// Hashes what equality compares first.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(type)
        hasher.combine(count)
    }
}
