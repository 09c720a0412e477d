/// Snappy block decompression, written from the format description (a varint length, then literal and copy
/// elements); every offset and length is checked, so corrupt input throws.
enum Snappy {
    static func decompress(_ input: ArraySlice<UInt8>) throws -> [UInt8] {
        var index = input.startIndex
        func fail(_ what: String) -> ParquetError { .corrupt("Corrupt Snappy data: \(what)") }
        var length: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < input.endIndex, shift < 35 else { throw fail("a bad length") }
            let byte = input[index]
            index += 1
            length |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        guard length <= 1 << 31 else { throw fail("an uncompressed length of \(length)") }
        var output = [UInt8]()
        output.reserveCapacity(Int(length))
        while index < input.endIndex {
            let tag = input[index]
            index += 1
            switch tag & 3 {
            case 0:
                var literal = Int(tag >> 2)
                if literal >= 60 {
                    let extra = literal - 59
                    guard input.endIndex - index >= extra else { throw fail("a literal length runs past the end") }
                    literal = 0
                    for byte in 0..<extra { literal |= Int(input[index + byte]) << (8 * byte) }
                    index += extra
                }
                literal += 1
                guard input.endIndex - index >= literal else { throw fail("a literal runs past the end") }
                output.append(contentsOf: input[index..<index + literal])
                index += literal
            case 1:
                guard index < input.endIndex else { throw fail("a copy runs past the end") }
                let count = Int((tag >> 2) & 7) + 4
                let offset = Int(tag >> 5) << 8 | Int(input[index])
                index += 1
                try copy(&output, offset: offset, count: count)
            case 2:
                guard input.endIndex - index >= 2 else { throw fail("a copy runs past the end") }
                let offset = Int(input[index]) | Int(input[index + 1]) << 8
                index += 2
                try copy(&output, offset: offset, count: Int(tag >> 2) + 1)
            default:
                guard input.endIndex - index >= 4 else { throw fail("a copy runs past the end") }
                var offset = 0
                for byte in 0..<4 { offset |= Int(input[index + byte]) << (8 * byte) }
                index += 4
                try copy(&output, offset: offset, count: Int(tag >> 2) + 1)
            }
            guard output.count <= Int(length) else { throw fail("more bytes than its length says") }
        }
        guard output.count == Int(length) else { throw fail("\(output.count) bytes where \(length) were promised") }
        return output

        func copy(_ output: inout [UInt8], offset: Int, count: Int) throws {
            guard offset > 0, offset <= output.count else { throw fail("a copy from before the start") }
            let start = output.count - offset
            for step in 0..<count { output.append(output[start + step]) }
        }
    }
}
