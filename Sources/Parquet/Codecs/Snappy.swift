/// Snappy block decompression, written from the format description (a varint length, then literal and copy
/// elements); every offset and length is checked, so corrupt input throws.
enum Snappy {
    static func decompress(_ input: ArraySlice<UInt8>) throws -> [UInt8] {
        try input.withUnsafeBufferPointer { try decompress($0) }
    }

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
        return try [UInt8](unsafeUninitializedCapacity: capacity) { output, written in
            while index < end {
                let tag = input[index]
                index += 1
                switch tag & 3 {
                case 0:
                    var literal = Int(tag >> 2)
                    if literal >= 60 {
                        let extra = literal - 59
                        guard end - index >= extra else { throw fail("a literal length runs past the end") }
                        literal = 0
                        for byte in 0..<extra { literal |= Int(input[index + byte]) << (8 * byte) }
                        index += extra
                    }
                    literal += 1
                    guard end - index >= literal else { throw fail("a literal runs past the end") }
                    guard capacity - written >= literal else { throw fail("more bytes than its length says") }
                    (output.baseAddress! + written).initialize(from: input.baseAddress! + index, count: literal)
                    written += literal
                    index += literal
                case 1:
                    guard index < end else { throw fail("a copy runs past the end") }
                    let count = Int((tag >> 2) & 7) + 4
                    let offset = Int(tag >> 5) << 8 | Int(input[index])
                    index += 1
                    try copy(output, &written, offset: offset, count: count)
                case 2:
                    guard end - index >= 2 else { throw fail("a copy runs past the end") }
                    let offset = Int(input[index]) | Int(input[index + 1]) << 8
                    index += 2
                    try copy(output, &written, offset: offset, count: Int(tag >> 2) + 1)
                default:
                    guard end - index >= 4 else { throw fail("a copy runs past the end") }
                    var offset = 0
                    for byte in 0..<4 { offset |= Int(input[index + byte]) << (8 * byte) }
                    index += 4
                    try copy(output, &written, offset: offset, count: Int(tag >> 2) + 1)
                }
            }
            guard written == capacity else { throw fail("\(written) bytes where \(length) were promised") }
        }

        /// Copies `count` bytes from `offset` back; the ranges overlap when the offset is shorter than the count,
        /// and then the bytes repeat, so those copy one at a time.
        func copy(_ output: UnsafeMutableBufferPointer<UInt8>, _ written: inout Int, offset: Int, count: Int) throws {
            guard offset > 0, offset <= written else { throw fail("a copy from before the start") }
            guard output.count - written >= count else { throw fail("more bytes than its length says") }
            let base = output.baseAddress!
            let start = written - offset
            if offset >= count {
                (base + written).initialize(from: base + start, count: count)
            } else {
                for step in 0..<count { base[written + step] = base[start + step] }
            }
            written += count
        }
    }
}
