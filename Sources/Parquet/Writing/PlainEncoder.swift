/// PLAIN-encodes the present values of some rows, and finds their minimum and maximum (PLAIN-encoded too, as
/// Parquet's statistics store them).
enum PlainEncoder {
    static func encode(_ values: ColumnValues, rows: Range<Int>, valid: [Bool]?)
        -> (bytes: [UInt8], minimum: [UInt8]?, maximum: [UInt8]?)
    {
        let present = rows.filter { valid?[$0] ?? true }
        var out: [UInt8] = []
        func little<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
            (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        switch values {
        case .booleans(let flags):
            out = [UInt8](repeating: 0, count: (present.count + 7) / 8)
            for (index, row) in present.enumerated() where flags[row] { out[index / 8] |= 1 << UInt8(index % 8) }
            let seen = present.map { flags[$0] }
            guard let low = seen.min(by: { !$0 && $1 }), let high = seen.max(by: { !$0 && $1 }) else {
                return (out, nil, nil)
            }
            return (out, [low ? 1 : 0], [high ? 1 : 0])
        case .int32s(let numbers):
            out.reserveCapacity(present.count * 4)
            for row in present { out += little(numbers[row]) }
            let seen = present.map { numbers[$0] }
            return (out, seen.min().map { little($0) }, seen.max().map { little($0) })
        case .int64s(let numbers), .int96s(let numbers):
            out.reserveCapacity(present.count * 8)
            for row in present { out += little(numbers[row]) }
            let seen = present.map { numbers[$0] }
            return (out, seen.min().map { little($0) }, seen.max().map { little($0) })
        case .floats(let numbers):
            for row in present { out += little(numbers[row].bitPattern) }
            let seen = present.map { numbers[$0] }.filter { !$0.isNaN }
            return (out, seen.min().map { little($0.bitPattern) }, seen.max().map { little($0.bitPattern) })
        case .doubles(let numbers):
            out.reserveCapacity(present.count * 8)
            for row in present { out += little(numbers[row].bitPattern) }
            let seen = present.map { numbers[$0] }.filter { !$0.isNaN }
            return (out, seen.min().map { little($0.bitPattern) }, seen.max().map { little($0.bitPattern) })
        case .byteArrays(let offsets, let bytes):
            var low: ArraySlice<UInt8>?
            var high: ArraySlice<UInt8>?
            for row in present {
                let value = bytes[offsets[row]..<offsets[row + 1]]
                out += little(UInt32(value.count))
                out += value
                if low.map({ value.lexicographicallyPrecedes($0) }) ?? true { low = value }
                if high.map({ $0.lexicographicallyPrecedes(value) }) ?? true { high = value }
            }
            return (out, low.map(Array.init), high.map(Array.init))
        case .fixed(let width, let bytes):
            var low: ArraySlice<UInt8>?
            var high: ArraySlice<UInt8>?
            for row in present {
                let value = bytes[(row * width)..<((row + 1) * width)]
                out += value
                if low.map({ value.lexicographicallyPrecedes($0) }) ?? true { low = value }
                if high.map({ $0.lexicographicallyPrecedes(value) }) ?? true { high = value }
            }
            // Decimals in fixed bytes are signed: leave their statistics out rather than order them wrongly.
            return (out, nil, nil)
        }
    }
}
