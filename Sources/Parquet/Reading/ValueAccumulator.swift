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
    /// Per row, true when present; kept only once a null arrives (before that every row is present).
    var valid: [Bool] = []
    var anyNull = false
    private var rows = 0

    init(type: PhysicalType, typeLength: Int) {
        self.type = type
        self.typeLength = typeLength
    }

    /// Makes room for `rows` more rows and, for byte arrays, `bytes` more bytes, so appending pages does not
    /// regrow (and copy) the buffers.
    mutating func reserveCapacity(rows: Int, bytes byteCount: Int) {
        switch type {
        case .boolean: booleans.reserveCapacity(booleans.count + rows)
        case .int32: int32s.reserveCapacity(int32s.count + rows)
        case .int64, .int96: int64s.reserveCapacity(int64s.count + rows)
        case .float: floats.reserveCapacity(floats.count + rows)
        case .double: doubles.reserveCapacity(doubles.count + rows)
        case .byteArray:
            offsets.reserveCapacity(offsets.count + rows)
            bytes.reserveCapacity(bytes.count + byteCount)
        case .fixedLenByteArray: bytes.reserveCapacity(bytes.count + rows * typeLength)
        }
    }

    /// Appends one page's values; `present` (nil when all present) says which rows hold the next dense value.
    mutating func append(_ page: ColumnValues, present: [Bool]?) throws {
        let rows = present?.count ?? page.count
        let dense = present?.reduce(0) { $0 + ($1 ? 1 : 0) } ?? rows
        guard page.count >= dense else {
            throw ParquetError.corrupt("A page holds \(page.count) values where its levels promise \(dense)")
        }
        if let present, dense < rows {
            if !anyNull {
                valid = [Bool](repeating: true, count: self.rows)
                anyNull = true
            }
            valid.append(contentsOf: present)
            spread(page, present: present)
        } else {
            if anyNull { valid.append(contentsOf: repeatElement(true, count: rows)) }
            appendDense(page, rows: rows)
        }
        self.rows += rows
    }

    /// Appends a PLAIN page whose `count` rows are all present straight from its bytes, with no decoded copy in
    /// between; false (nothing appended) for the types this does not cover, or once a null has been seen.
    /// - Throws: `ParquetError` when the page ends before its values do.
    mutating func appendPlain(_ data: ArraySlice<UInt8>, count: Int) throws -> Bool {
        guard !anyNull, count >= 0 else { return false }
        let fail = ParquetError.corrupt("A PLAIN page ends before its \(count) \(type) values")
        switch type {
        case .int32: try Self.appendFixed(data, count: count, to: &int32s, orThrow: fail)
        case .int64: try Self.appendFixed(data, count: count, to: &int64s, orThrow: fail)
        case .float: try Self.appendFixed(data, count: count, to: &floats, orThrow: fail)
        case .double: try Self.appendFixed(data, count: count, to: &doubles, orThrow: fail)
        case .byteArray: try appendByteArrays(data, count: count, orThrow: fail)
        case .boolean, .int96, .fixedLenByteArray: return false
        }
        rows += count
        return true
    }

    /// `count` little-endian values, copied in one go (the hosts Swift runs on are little-endian) into room made
    /// at the column's end.
    private static func appendFixed<T: BitwiseCopyable & Numeric>(
        _ data: ArraySlice<UInt8>, count: Int, to column: inout [T], orThrow failure: ParquetError
    ) throws {
        let size = MemoryLayout<T>.stride
        guard data.count / size >= count else { throw failure }
        let start = column.count
        column.append(contentsOf: repeatElement(0, count: count))
        data.withUnsafeBytes { source in
            column.withUnsafeMutableBytes { target in
                UnsafeMutableRawBufferPointer(rebasing: target[(start * size)...]).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[..<(count * size)]))
            }
        }
    }

    /// `count` values, each a 4-byte little-endian length and its bytes: checked in one pass, then the bytes and
    /// the offsets written into room made at the buffers' ends.
    private mutating func appendByteArrays(
        _ data: ArraySlice<UInt8>, count: Int, orThrow failure: ParquetError
    ) throws {
        try data.withUnsafeBufferPointer { source in
            var position = 0
            var total = 0
            for _ in 0..<count {
                guard source.count - position >= 4 else { throw failure }
                let length = Int(UnsafeRawPointer(source.baseAddress! + position).loadUnaligned(as: UInt32.self))
                position += 4
                guard source.count - position >= length else { throw failure }
                position += length
                total += length
            }
            // Moved out and back, so both can be written at once (no copy: each stays uniquely referenced).
            var bytes = self.bytes
            var offsets = self.offsets
            self.bytes = []
            self.offsets = []
            defer {
                self.bytes = bytes
                self.offsets = offsets
            }
            let byteStart = bytes.count
            let offsetStart = offsets.count
            bytes.append(contentsOf: repeatElement(0, count: total))
            offsets.append(contentsOf: repeatElement(0, count: count))
            bytes.withUnsafeMutableBufferPointer { bytes in
                offsets.withUnsafeMutableBufferPointer { offsets in
                    var position = 0
                    var written = byteStart
                    for value in 0..<count {
                        let length = Int(
                            UnsafeRawPointer(source.baseAddress! + position).loadUnaligned(as: UInt32.self))
                        position += 4
                        if length > 0 {
                            (bytes.baseAddress! + written).update(from: source.baseAddress! + position, count: length)
                        }
                        position += length
                        written += length
                        offsets[offsetStart + value] = written
                    }
                }
            }
        }
    }

    /// Appends the page's first `rows` values, every row present.
    private mutating func appendDense(_ page: ColumnValues, rows: Int) {
        switch page {
        case .booleans(let values): booleans.append(contentsOf: values[..<rows])
        case .int32s(let values): int32s.append(contentsOf: values[..<rows])
        case .int64s(let values), .int96s(let values): int64s.append(contentsOf: values[..<rows])
        case .floats(let values): floats.append(contentsOf: values[..<rows])
        case .doubles(let values): doubles.append(contentsOf: values[..<rows])
        case .byteArrays(let pageOffsets, let pageBytes):
            guard rows > 0 else { return }
            let first = pageOffsets[0]
            let shift = bytes.count - first
            bytes.append(contentsOf: pageBytes[first..<pageOffsets[rows]])
            offsets.append(contentsOf: pageOffsets[1...rows].lazy.map { $0 + shift })
        case .fixed(let width, let pageBytes):
            bytes.append(contentsOf: pageBytes[..<(rows * width)])
        }
    }

    /// Appends one row per `present` flag: the next dense value when present, a zero or empty value when not.
    private mutating func spread(_ page: ColumnValues, present: [Bool]) {
        switch page {
        case .booleans(let values): Self.spread(values, present: present, zero: false, into: &booleans)
        case .int32s(let values): Self.spread(values, present: present, zero: 0, into: &int32s)
        case .int64s(let values), .int96s(let values): Self.spread(values, present: present, zero: 0, into: &int64s)
        case .floats(let values): Self.spread(values, present: present, zero: 0, into: &floats)
        case .doubles(let values): Self.spread(values, present: present, zero: 0, into: &doubles)
        case .byteArrays(let pageOffsets, let pageBytes):
            var next = 0
            for isPresent in present {
                if isPresent {
                    bytes.append(contentsOf: pageBytes[pageOffsets[next]..<pageOffsets[next + 1]])
                    next += 1
                }
                offsets.append(bytes.count)
            }
        case .fixed(let width, let pageBytes):
            var next = 0
            for isPresent in present {
                if isPresent {
                    bytes.append(contentsOf: pageBytes[(next * width)..<((next + 1) * width)])
                    next += 1
                } else {
                    bytes.append(contentsOf: repeatElement(0, count: width))
                }
            }
        }
    }

    private static func spread<Element>(
        _ values: [Element], present: [Bool], zero: Element, into column: inout [Element]
    ) {
        column.reserveCapacity(column.count + present.count)
        var next = 0
        for isPresent in present {
            if isPresent {
                column.append(values[next])
                next += 1
            } else {
                column.append(zero)
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
