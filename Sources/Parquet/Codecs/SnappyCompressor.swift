/// Snappy block compression: a greedy LZ77 over 4-byte hashes, written from the format description. It produces
/// valid Snappy that any reader decodes, trading some ratio for simplicity.
enum SnappyCompressor {
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 2 + 16)
        var length = UInt64(input.count)
        while length >= 0x80 {
            output.append(UInt8(length & 0x7F) | 0x80)
            length >>= 7
        }
        output.append(UInt8(length))
        let count = input.count
        guard count >= 8 else {
            emitLiteral(input[...], to: &output)
            return output
        }
        var table = [Int](repeating: -1, count: 1 << 14)
        var index = 0
        var literalStart = 0
        input.withUnsafeBufferPointer { bytes in
            func word(_ at: Int) -> UInt32 {
                UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3])
                    << 24
            }
            while index + 4 <= count {
                let current = word(index)
                let slot = Int((current &* 0x1E35_A7BD) >> 18)
                let candidate = table[slot]
                table[slot] = index
                guard candidate >= 0, index - candidate <= 65535, word(candidate) == current else {
                    index += 1
                    continue
                }
                emitLiteral(input[literalStart..<index], to: &output)
                var matched = 4
                while index + matched < count, bytes[candidate + matched] == bytes[index + matched] { matched += 1 }
                let offset = index - candidate
                var remaining = matched
                while remaining > 0 {
                    let piece = min(remaining, 64)
                    output.append(UInt8((piece - 1) << 2 | 2))
                    output.append(UInt8(offset & 0xFF))
                    output.append(UInt8(offset >> 8))
                    remaining -= piece
                }
                index += matched
                literalStart = index
            }
        }
        emitLiteral(input[literalStart..<count], to: &output)
        return output
    }

    private static func emitLiteral(_ bytes: ArraySlice<UInt8>, to output: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let length = bytes.count - 1
        if length < 60 {
            output.append(UInt8(length << 2))
        } else {
            var extra: [UInt8] = []
            var rest = length
            while rest > 0 {
                extra.append(UInt8(rest & 0xFF))
                rest >>= 8
            }
            output.append(UInt8((59 + extra.count) << 2))
            output += extra
        }
        output += bytes
    }
}
