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
            return .int32s(try fixedWidth(data, count: count, as: Int32.self, orThrow: fail()))
        case .int64:
            return .int64s(try fixedWidth(data, count: count, as: Int64.self, orThrow: fail()))
        case .int96:
            return .int96s(
                try (0..<count).map { _ in
                    let nanosOfDay = try little(Int64.self)
                    let julianDay = Int64(try little(UInt32.self))  // unsigned, as Arrow and Spark read it
                    // Wrapping, as Arrow's conversion does: dates beyond 1677-2262 do not fit in nanoseconds.
                    return (julianDay &- 2_440_588) &* 86_400_000_000_000 &+ nanosOfDay
                })
        case .float:
            return .floats(try fixedWidth(data, count: count, as: Float.self, orThrow: fail()))
        case .double:
            return .doubles(try fixedWidth(data, count: count, as: Double.self, orThrow: fail()))
        case .byteArray:
            return try byteArrays(data, count: count, orThrow: fail())
        case .fixedLenByteArray:
            guard typeLength > 0, data.count >= typeLength * count else { throw fail() }
            return .fixed(width: typeLength, bytes: Array(data.prefix(typeLength * count)))
        }
    }

    /// `count` little-endian values of a fixed-width type, copied in one go (the hosts Swift runs on are
    /// little-endian).
    private static func fixedWidth<T: BitwiseCopyable>(
        _ data: ArraySlice<UInt8>, count: Int, as _: T.Type, orThrow failure: @autoclosure () -> ParquetError
    ) throws -> [T] {
        let size = MemoryLayout<T>.stride
        guard count >= 0, data.count / size >= count else { throw failure() }
        return [T](unsafeUninitializedCapacity: count) { values, initialized in
            data.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(values).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[..<(count * size)]))
            }
            initialized = count
        }
    }

    /// `count` values, each a 4-byte little-endian length and its bytes.
    private static func byteArrays(
        _ data: ArraySlice<UInt8>, count: Int, orThrow failure: @autoclosure () -> ParquetError
    ) throws -> ColumnValues {
        try data.withUnsafeBufferPointer { source in
            var offsets = [Int](repeating: 0, count: count + 1)
            // The values' bytes are the page's less the lengths, at most.
            let capacity = max(0, source.count - 4 * count)
            var position = 0
            let bytes = try [UInt8](unsafeUninitializedCapacity: capacity) { bytes, written in
                for value in 0..<count {
                    guard source.count - position >= 4 else { throw failure() }
                    let length =
                        Int(source[position]) | Int(source[position + 1]) << 8 | Int(source[position + 2]) << 16
                        | Int(source[position + 3]) << 24
                    position += 4
                    guard source.count - position >= length, capacity - written >= length else { throw failure() }
                    if length > 0 {
                        (bytes.baseAddress! + written).initialize(from: source.baseAddress! + position, count: length)
                    }
                    position += length
                    written += length
                    offsets[value + 1] = written
                }
            }
            return .byteArrays(offsets: offsets, bytes: bytes)
        }
    }
}
