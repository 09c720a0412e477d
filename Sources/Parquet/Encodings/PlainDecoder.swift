/// Decodes PLAIN-encoded values of a physical type.
enum PlainDecoder {
    static func decode(_ data: ArraySlice<UInt8>, type: PhysicalType, count: Int, typeLength: Int) throws
        -> ColumnValues
    {
        func fail() -> ParquetError { .corrupt("A PLAIN page ends before its \(count) \(type) values") }
        var index = data.startIndex
        func little<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let size = MemoryLayout<T>.size
            guard data.endIndex - index >= size else { throw fail() }
            var value: T = 0
            for byte in 0..<size { value |= T(truncatingIfNeeded: data[index + byte]) << (8 * byte) }
            index += size
            return value
        }
        switch type {
        case .boolean:
            guard data.count * 8 >= count else { throw fail() }
            return .booleans((0..<count).map { data[data.startIndex + $0 / 8] >> UInt8($0 % 8) & 1 == 1 })
        case .int32:
            return .int32s(try (0..<count).map { _ in try little(Int32.self) })
        case .int64:
            return .int64s(try (0..<count).map { _ in try little(Int64.self) })
        case .int96:
            return .int96s(
                try (0..<count).map { _ in
                    let nanosOfDay = try little(Int64.self)
                    let julianDay = Int64(try little(UInt32.self))  // unsigned, as Arrow and Spark read it
                    // Wrapping, as Arrow's conversion does: dates beyond 1677-2262 do not fit in nanoseconds.
                    return (julianDay &- 2_440_588) &* 86_400_000_000_000 &+ nanosOfDay
                })
        case .float:
            return .floats(try (0..<count).map { _ in Float(bitPattern: try little(UInt32.self)) })
        case .double:
            return .doubles(try (0..<count).map { _ in Double(bitPattern: try little(UInt64.self)) })
        case .byteArray:
            var offsets = [0]
            var bytes: [UInt8] = []
            offsets.reserveCapacity(count + 1)
            for _ in 0..<count {
                let length = Int(try little(UInt32.self))
                guard data.endIndex - index >= length else { throw fail() }
                bytes.append(contentsOf: data[index..<index + length])
                index += length
                offsets.append(bytes.count)
            }
            return .byteArrays(offsets: offsets, bytes: bytes)
        case .fixedLenByteArray:
            guard typeLength > 0, data.count >= typeLength * count else { throw fail() }
            return .fixed(width: typeLength, bytes: Array(data.prefix(typeLength * count)))
        }
    }
}
