/// Collects a column's values across pages, spreading dense page values over the rows their definition levels
/// mark as present.
struct ValueAccumulator {
    let type: PhysicalType
    let typeLength: Int
    var booleans: [Bool] = []
    var int32s: [Int32] = []
    var int64s: [Int64] = []
    var floats: [Float] = []
    var doubles: [Double] = []
    var offsets: [Int] = [0]
    var bytes: [UInt8] = []
    var valid: [Bool] = []
    var anyNull = false

    init(type: PhysicalType, typeLength: Int) {
        self.type = type
        self.typeLength = typeLength
    }

    /// Appends one page's values; `present` (nil when all present) says which rows hold the next dense value.
    mutating func append(_ page: ColumnValues, present: [Bool]?) throws {
        let rows = present?.count ?? page.count
        let dense = present?.reduce(0) { $0 + ($1 ? 1 : 0) } ?? rows
        guard page.count >= dense else {
            throw ParquetError.corrupt("A page holds \(page.count) values where its levels promise \(dense)")
        }
        var next = 0
        for row in 0..<rows {
            let isPresent = present?[row] ?? true
            valid.append(isPresent)
            if !isPresent { anyNull = true }
            let source = isPresent ? next : -1
            if isPresent { next += 1 }
            switch page {
            case .booleans(let values): booleans.append(source >= 0 ? values[source] : false)
            case .int32s(let values): int32s.append(source >= 0 ? values[source] : 0)
            case .int64s(let values), .int96s(let values): int64s.append(source >= 0 ? values[source] : 0)
            case .floats(let values): floats.append(source >= 0 ? values[source] : 0)
            case .doubles(let values): doubles.append(source >= 0 ? values[source] : 0)
            case .byteArrays(let pageOffsets, let pageBytes):
                if source >= 0 { bytes.append(contentsOf: pageBytes[pageOffsets[source]..<pageOffsets[source + 1]]) }
                offsets.append(bytes.count)
            case .fixed(let width, let pageBytes):
                if source >= 0 {
                    bytes.append(contentsOf: pageBytes[(source * width)..<((source + 1) * width)])
                } else {
                    bytes.append(contentsOf: repeatElement(0, count: width))
                }
            }
        }
    }

    func finish() -> ColumnValues {
        switch type {
        case .boolean: .booleans(booleans)
        case .int32: .int32s(int32s)
        case .int64: .int64s(int64s)
        case .int96: .int96s(int64s)
        case .float: .floats(floats)
        case .double: .doubles(doubles)
        case .byteArray: .byteArrays(offsets: offsets, bytes: bytes)
        case .fixedLenByteArray: .fixed(width: typeLength, bytes: bytes)
        }
    }
}
