/// Builds a column row by row.
public struct ColumnBuilder: Sendable {
    /// The column's name.
    public let name: String
    /// The column's type.
    public let type: DataType
    private var integers: [Int64] = []
    private var doubles: [Double] = []
    private var booleans: [Bool] = []
    private var offsets: [Int] = [0]
    private var bytes: [UInt8] = []
    private var decimals: [Int128] = []
    private var validity = Validity()

    /// Starts an empty column.
    public init(name: String, type: DataType, capacity: Int = 0) {
        self.name = name
        self.type = type
        validity.reserveCapacity(capacity)
        switch type {
        case .int64, .date, .timestamp: integers.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .bool: booleans.reserveCapacity(capacity)
        case .string, .binary: offsets.reserveCapacity(capacity + 1)
        case .decimal: decimals.reserveCapacity(capacity)
        }
    }

    /// The rows so far.
    public var count: Int { validity.count }

    /// Appends an integer (int64, date days or timestamp ticks).
    public mutating func append(_ value: Int64) {
        integers.append(value)
        validity.append(true)
    }

    /// Appends a double.
    public mutating func append(_ value: Double) {
        doubles.append(value)
        validity.append(true)
    }

    /// Appends a boolean.
    public mutating func append(_ value: Bool) {
        booleans.append(value)
        validity.append(true)
    }

    /// Appends text or bytes.
    public mutating func append<Bytes: Collection<UInt8>>(bytes value: Bytes) {
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
        validity.append(true)
    }

    /// Appends text.
    public mutating func append(_ value: String) {
        append(bytes: value.utf8)
    }

    /// Appends an unscaled decimal.
    public mutating func append(decimal value: Int128) {
        decimals.append(value)
        validity.append(true)
    }

    /// Appends a typed value; a value of another kind is a programming error.
    public mutating func append(_ value: Value?) {
        guard let value else { return appendNull() }
        switch value {
        case .int64(let value), .date(let value), .timestamp(let value): append(value)
        case .double(let value): append(value)
        case .bool(let value): append(value)
        case .string(let value): append(value)
        case .binary(let value): append(bytes: value)
        case .decimal(let value): append(decimal: value)
        }
    }

    /// Appends a null.
    public mutating func appendNull() {
        switch type {
        case .int64, .date, .timestamp: integers.append(0)
        case .double: doubles.append(.nan)
        case .bool: booleans.append(false)
        case .string, .binary: offsets.append(bytes.count)
        case .decimal: decimals.append(0)
        }
        validity.append(false)
    }

    /// The finished column.
    public func build() -> Column {
        let storage: ColumnStorage =
            switch type {
            case .int64, .date, .timestamp: .integers(integers)
            case .double: .doubles(doubles)
            case .bool: .booleans(booleans)
            case .string, .binary: .bytes(offsets: offsets, bytes: bytes)
            case .decimal: .decimals(decimals)
            }
        // The builder keeps storage and validity in step with the type.
        return Column(unchecked: name, type: type, storage: storage, validity: validity)
    }
}
