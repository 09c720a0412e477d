#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Darwin
#endif

/// PLAIN-encodes the present values of some rows, and finds their minimum and maximum (PLAIN-encoded too, as
/// Parquet's statistics store them).
enum PlainEncoder {
    /// Appends the present values of `rows` to `out`.
    static func append(_ values: ColumnValues, rows: Range<Int>, valid: [Bool]?, to out: inout [UInt8]) {
        switch values {
        case .booleans(let flags):
            var packed: UInt8 = 0
            var bit = 0
            for row in rows where valid?[row] ?? true {
                if flags[row] { packed |= 1 << UInt8(bit) }
                bit += 1
                if bit == 8 {
                    out.append(packed)
                    (packed, bit) = (0, 0)
                }
            }
            if bit > 0 { out.append(packed) }
        case .int32s(let numbers): appendFixed(numbers, rows: rows, valid: valid, to: &out)
        case .int64s(let numbers), .int96s(let numbers): appendFixed(numbers, rows: rows, valid: valid, to: &out)
        case .floats(let numbers): appendFixed(numbers, rows: rows, valid: valid, to: &out)
        case .doubles(let numbers): appendFixed(numbers, rows: rows, valid: valid, to: &out)
        case .byteArrays(let offsets, let bytes):
            let total = rows.isEmpty ? 0 : offsets[rows.upperBound] - offsets[rows.lowerBound]
            out.reserveCapacity(out.count + total + 4 * rows.count)
            offsets.withUnsafeBufferPointer { offsets in
                bytes.withUnsafeBufferPointer { bytes in
                    for row in rows where valid?[row] ?? true {
                        let start = offsets[row]
                        let count = offsets[row + 1] - start
                        let length = UInt32(truncatingIfNeeded: count)
                        withUnsafeBytes(of: length.littleEndian) { out.append(contentsOf: $0) }
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<start + count]))
                    }
                }
            }
        case .fixed(let width, let bytes):
            for row in rows where valid?[row] ?? true { out += bytes[(row * width)..<((row + 1) * width)] }
        }
    }

    /// Fixed-width values, copied in one go when every row is present (the hosts Swift runs on are
    /// little-endian, as PLAIN is).
    private static func appendFixed<T: BitwiseCopyable>(
        _ numbers: [T], rows: Range<Int>, valid: [Bool]?, to out: inout [UInt8]
    ) {
        numbers.withUnsafeBufferPointer { numbers in
            if valid == nil || rows.allSatisfy({ valid![$0] }) {
                out.append(contentsOf: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: numbers[rows])))
            } else {
                out.reserveCapacity(out.count + rows.count * MemoryLayout<T>.stride)
                for row in rows where valid![row] {
                    withUnsafeBytes(of: numbers[row]) { out.append(contentsOf: $0) }
                }
            }
        }
    }

    /// The smallest and largest present value of `rows`, PLAIN-encoded; nil when none is present, or (for fixed
    /// bytes, signed decimals) when byte order is not their order.
    static func bounds(_ values: ColumnValues, rows: Range<Int>, valid: [Bool]?) -> (
        minimum: [UInt8], maximum: [UInt8]
    )? {
        func encoded<T>(_ pair: (T, T)?) -> ([UInt8], [UInt8])? {
            pair.map { (withUnsafeBytes(of: $0.0) { Array($0) }, withUnsafeBytes(of: $0.1) { Array($0) }) }
        }
        switch values {
        case .booleans(let flags):
            var seen = (false, false)  // any false, any true
            for row in rows where valid?[row] ?? true {
                if flags[row] { seen.1 = true } else { seen.0 = true }
            }
            guard seen.0 || seen.1 else { return nil }
            return ([seen.0 ? 0 : 1], [seen.1 ? 1 : 0])
        case .int32s(let numbers): return encoded(extremes(numbers, rows: rows, valid: valid))
        case .int64s(let numbers), .int96s(let numbers): return encoded(extremes(numbers, rows: rows, valid: valid))
        case .floats(let numbers): return encoded(extremes(numbers, rows: rows, valid: valid))
        case .doubles(let numbers): return encoded(extremes(numbers, rows: rows, valid: valid))
        case .byteArrays(let offsets, let bytes):
            return offsets.withUnsafeBufferPointer { offsets in
                bytes.withUnsafeBufferPointer { bytes in
                    var low: UnsafeBufferPointer<UInt8>?
                    var high: UnsafeBufferPointer<UInt8>?
                    for row in rows where valid?[row] ?? true {
                        let value = UnsafeBufferPointer(rebasing: bytes[offsets[row]..<offsets[row + 1]])
                        if low.map({ compare(value, $0) < 0 }) ?? true { low = value }
                        if high.map({ compare(value, $0) > 0 }) ?? true { high = value }
                    }
                    guard let low, let high else { return nil }
                    return (Array(low), Array(high))
                }
            }
        case .fixed:
            // Decimals in fixed bytes are signed: leave their statistics out rather than order them wrongly.
            return nil
        }
    }

    /// The least and greatest present values; NaN is left out, as Parquet's statistics require.
    private static func extremes<T: Comparable>(_ numbers: [T], rows: Range<Int>, valid: [Bool]?) -> (T, T)? {
        numbers.withUnsafeBufferPointer { numbers in
            var pair: (T, T)?
            for row in rows where valid?[row] ?? true {
                let value = numbers[row]
                guard value == value else { continue }  // NaN
                if let (low, high) = pair {
                    if value < low { pair = (value, high) } else if value > high { pair = (low, value) }
                } else {
                    pair = (value, value)
                }
            }
            return pair
        }
    }

    /// Unsigned byte order, then length, as Parquet orders BYTE_ARRAY statistics.
    private static func compare(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
        let shared = min(left.count, right.count)
        if shared > 0, let leftBase = left.baseAddress, let rightBase = right.baseAddress {
            let order = memcmp(leftBase, rightBase, shared)
            if order != 0 { return Int(order) }
        }
        return left.count - right.count
    }
}
