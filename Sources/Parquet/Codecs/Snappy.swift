/// Snappy block decompression, written from the format description (a varint length, then literal and copy
/// elements); every offset and length is checked, so corrupt input throws.
///
/// Most elements are short (a copy is at most 64 bytes, most literals are under 16), so away from the ends of the
/// buffers they are moved 8 or 16 bytes at a time with unaligned loads and stores rather than through `memmove`.
enum Snappy {
    static func decompress(_ input: ArraySlice<UInt8>) throws -> [UInt8] {
        try input.withUnsafeBufferPointer { try decompress($0) }
    }

    /// How far past an element's end the fast paths may write (and a literal's fast path read).
    private static let slack = 16

    static func decompress(_ input: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        var index = 0
        let end = input.count
        func fail(_ what: String) -> ParquetError { .corrupt("Corrupt Snappy data: \(what)") }
        var length: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < end, shift < 35 else { throw fail("a bad length") }
            let byte = input[index]
            index += 1
            length |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        guard length <= 1 << 31 else { throw fail("an uncompressed length of \(length)") }
        let capacity = Int(length)
        guard let source = input.baseAddress, capacity > 0 else {
            guard index == end, capacity == 0 else { throw fail("bytes after an empty block") }
            return []
        }
        // The output has `slack` spare bytes, so the fast paths may overshoot; `written` is what counts.
        return try [UInt8](unsafeUninitializedCapacity: capacity + slack) { output, written in
            let base = output.baseAddress!
            while index < end {
                // The common elements (short literals, and copies with 1- or 2-byte offsets) away from both ends,
                // where no length needs checking: one tag and its bytes in, at most 64 bytes out.
                if end - index >= 21, capacity - written >= 64 {
                    let tag = source[index]
                    switch tag & 3 {
                    case 0 where tag < 16 << 2:
                        let literal = Int(tag >> 2) + 1
                        copy16(from: source + index + 1, to: base + written)
                        written += literal
                        index += 1 + literal
                        continue
                    case 1:
                        let count = Int((tag >> 2) & 7) + 4
                        let offset = Int(tag >> 5) << 8 | Int(source[index + 1])
                        guard offset > 0, offset <= written else { throw fail("a copy from before the start") }
                        copyWithin(base + written, offset: offset, count: count)
                        written += count
                        index += 2
                        continue
                    case 2:
                        let count = Int(tag >> 2) + 1
                        let offset = Int(source[index + 1]) | Int(source[index + 2]) << 8
                        guard offset > 0, offset <= written else { throw fail("a copy from before the start") }
                        copyWithin(base + written, offset: offset, count: count)
                        written += count
                        index += 3
                        continue
                    default:
                        break
                    }
                }
                let tag = source[index]
                index += 1
                switch tag & 3 {
                case 0:
                    var literal = Int(tag >> 2) + 1
                    if literal > 60 {
                        let extra = literal - 60
                        guard end - index >= extra else { throw fail("a literal length runs past the end") }
                        literal = 0
                        for byte in 0..<extra { literal |= Int(source[index + byte]) << (8 * byte) }
                        index += extra
                        literal += 1
                    }
                    guard end - index >= literal else { throw fail("a literal runs past the end") }
                    guard capacity - written >= literal else { throw fail("more bytes than its length says") }
                    (base + written).initialize(from: source + index, count: literal)
                    written += literal
                    index += literal
                case 1:
                    guard index < end else { throw fail("a copy runs past the end") }
                    let count = Int((tag >> 2) & 7) + 4
                    let offset = Int(tag >> 5) << 8 | Int(source[index])
                    index += 1
                    try copy(base, capacity, &written, offset: offset, count: count)
                case 2:
                    guard end - index >= 2 else { throw fail("a copy runs past the end") }
                    let offset = Int(source[index]) | Int(source[index + 1]) << 8
                    index += 2
                    try copy(base, capacity, &written, offset: offset, count: Int(tag >> 2) + 1)
                default:
                    guard end - index >= 4 else { throw fail("a copy runs past the end") }
                    var offset = 0
                    for byte in 0..<4 { offset |= Int(source[index + byte]) << (8 * byte) }
                    index += 4
                    try copy(base, capacity, &written, offset: offset, count: Int(tag >> 2) + 1)
                }
            }
            guard written == capacity else { throw fail("\(written) bytes where \(length) were promised") }
        }

        /// Copies `count` bytes from `offset` back; the ranges overlap when the offset is shorter than the count,
        /// and then the bytes repeat.
        func copy(
            _ base: UnsafeMutablePointer<UInt8>, _ capacity: Int, _ written: inout Int, offset: Int, count: Int
        ) throws {
            guard offset > 0, offset <= written else { throw fail("a copy from before the start") }
            guard capacity - written >= count else { throw fail("more bytes than its length says") }
            copyWithin(base + written, offset: offset, count: count)
            written += count
        }
    }

    /// Copies `count` bytes from `offset` before `target` to `target`. With an offset of 8 or more, 8 bytes at a
    /// time: each load reads bytes already final, since it stays `offset` behind the store, and the last store may
    /// run up to 7 bytes past the copy, inside the slack. Shorter offsets repeat their bytes one at a time.
    @inline(__always)
    private static func copyWithin(_ target: UnsafeMutablePointer<UInt8>, offset: Int, count: Int) {
        let start = target - offset
        if offset >= 8 {
            var step = 0
            repeat {
                (target + step).storeUnaligned(start + step)
                step += 8
            } while step < count
        } else {
            for step in 0..<count { target[step] = start[step] }
        }
    }

    /// Moves 16 bytes (two unaligned 8-byte words).
    @inline(__always)
    private static func copy16(from source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(target).storeBytes(
            of: UnsafeRawPointer(source).loadUnaligned(as: UInt64.self), as: UInt64.self)
        UnsafeMutableRawPointer(target + 8).storeBytes(
            of: UnsafeRawPointer(source + 8).loadUnaligned(as: UInt64.self), as: UInt64.self)
    }
}

extension UnsafeMutablePointer<UInt8> {
    /// Stores the 8 bytes at `source` here, unaligned.
    @inline(__always)
    fileprivate func storeUnaligned(_ source: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(self).storeBytes(
            of: UnsafeRawPointer(source).loadUnaligned(as: UInt64.self), as: UInt64.self)
    }
}
