/// Snappy block compression, written from the format description: a greedy LZ77 over 4-byte hashes in 64 KiB
/// blocks (so every copy's offset fits two bytes), whose search steps further apart the longer it finds nothing,
/// so incompressible data (random doubles) passes quickly, as the reference compressor does.
enum SnappyCompressor {
    /// Input is matched in blocks of this size, each with a fresh table.
    private static let blockSize = 1 << 16
    private static let tableBits = 14

    static func compress(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBufferPointer { compress($0) }
    }

    /// The most bytes `compress` may write for `count` input bytes.
    static func maxCompressedLength(_ count: Int) -> Int { 32 + count + count / 6 }

    static func compress(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: maxCompressedLength(input.count)) { output, written in
            written = compress(input, into: output.baseAddress!)
        }
    }

    /// Compresses into `output`, which has room for `maxCompressedLength(input.count)` bytes; gives the count
    /// written.
    static func compress(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Int {
        var out = output
        var length = UInt64(input.count)
        while length >= 0x80 {
            out.pointee = UInt8(length & 0x7F) | 0x80
            out += 1
            length >>= 7
        }
        out.pointee = UInt8(length)
        out += 1
        guard let base = input.baseAddress, !input.isEmpty else { return out - output }
        let table = UnsafeMutablePointer<UInt16>.allocate(capacity: 1 << tableBits)
        defer { table.deallocate() }
        var start = 0
        while start < input.count {
            let size = min(blockSize, input.count - start)
            compressBlock(base + start, size, table: table, into: &out)
            start += size
        }
        return out - output
    }

    @inline(__always)
    private static func load32(_ pointer: UnsafePointer<UInt8>) -> UInt32 {
        UnsafeRawPointer(pointer).loadUnaligned(as: UInt32.self)
    }

    @inline(__always)
    private static func load64(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
    }

    @inline(__always)
    private static func slot(_ word: UInt32) -> Int {
        Int((word &* 0x1E35_A7BD) >> UInt32(32 - tableBits))
    }

    /// One block: matches stay inside it, so a table entry (a position in the block) fits 16 bits.
    private static func compressBlock(
        _ block: UnsafePointer<UInt8>, _ size: Int, table: UnsafeMutablePointer<UInt16>,
        into out: inout UnsafeMutablePointer<UInt8>
    ) {
        // Too short to hold a match worth finding: one literal. Matching stops 15 bytes before the end, so the
        // 8-byte loads of match extension never read past the block.
        let margin = 15
        guard size >= margin + 1 else {
            emitLiteral(block, size, into: &out)
            return
        }
        table.initialize(repeating: 0, count: 1 << tableBits)
        let limit = size - margin
        var literalStart = 0
        var index = 1
        table[slot(load32(block))] = 0
        while true {
            // Look for a match; after every 32 misses, step one byte further.
            var skip = 32
            var candidate = 0
            var found = false
            while true {
                let step = skip >> 5
                skip += 1
                let next = index + step
                if next > limit { break }
                let word = load32(block + index)
                let position = slot(word)
                candidate = Int(table[position])
                table[position] = UInt16(index)
                if load32(block + candidate) == word, candidate < index {
                    found = true
                    break
                }
                index = next
            }
            guard found else { break }
            emitLiteral(block + literalStart, index - literalStart, into: &out)
            // Extend the match and emit it; then, when the bytes right after it match too, go on without a
            // literal.
            repeat {
                let matched = 4 + matchLength(block + candidate + 4, block + index + 4, limit: size - index - 4)
                emitCopy(offset: index - candidate, length: matched, into: &out)
                index += matched
                literalStart = index
                guard index < limit else { break }
                table[slot(load32(block + index - 1))] = UInt16(index - 1)
                let word = load32(block + index)
                let position = slot(word)
                candidate = Int(table[position])
                table[position] = UInt16(index)
            } while load32(block + candidate) == load32(block + index) && candidate < index
            if index >= limit { break }
            index += 1
        }
        emitLiteral(block + literalStart, size - literalStart, into: &out)
    }

    /// How many bytes at `earlier` and `later` are equal, at most `limit`, comparing 8 at a time.
    @inline(__always)
    private static func matchLength(_ earlier: UnsafePointer<UInt8>, _ later: UnsafePointer<UInt8>, limit: Int) -> Int {
        var matched = 0
        while limit - matched >= 8 {
            let difference = load64(earlier + matched) ^ load64(later + matched)
            if difference != 0 { return matched + difference.trailingZeroBitCount / 8 }
            matched += 8
        }
        while matched < limit, earlier[matched] == later[matched] { matched += 1 }
        return matched
    }

    private static func emitLiteral(
        _ bytes: UnsafePointer<UInt8>, _ count: Int, into out: inout UnsafeMutablePointer<UInt8>
    ) {
        guard count > 0 else { return }
        let length = count - 1
        if length < 60 {
            out.pointee = UInt8(length << 2)
            out += 1
        } else {
            var extra = 0
            var rest = length
            while rest > 0 {
                extra += 1
                rest >>= 8
            }
            out.pointee = UInt8((59 + extra) << 2)
            out += 1
            for byte in 0..<extra {
                out.pointee = UInt8(truncatingIfNeeded: length >> (8 * byte))
                out += 1
            }
        }
        out.update(from: bytes, count: count)
        out += count
    }

    /// A copy of `length` bytes from `offset` back (under 64 KiB): copy-1 elements where they fit (4-11 bytes,
    /// offsets under 2 KiB), copy-2 elements of at most 64 bytes otherwise.
    private static func emitCopy(offset: Int, length: Int, into out: inout UnsafeMutablePointer<UInt8>) {
        var remaining = length
        // Leave at least 4 bytes for the last element, which may be a copy-1.
        while remaining >= 68 {
            emitCopy2(offset: offset, length: 64, into: &out)
            remaining -= 64
        }
        if remaining > 64 {
            emitCopy2(offset: offset, length: 60, into: &out)
            remaining -= 60
        }
        if remaining < 12, offset < 2048 {
            out[0] = UInt8((offset >> 8) << 5 | (remaining - 4) << 2 | 1)
            out[1] = UInt8(offset & 0xFF)
            out += 2
        } else {
            emitCopy2(offset: offset, length: remaining, into: &out)
        }
    }

    @inline(__always)
    private static func emitCopy2(offset: Int, length: Int, into out: inout UnsafeMutablePointer<UInt8>) {
        out[0] = UInt8((length - 1) << 2 | 2)
        out[1] = UInt8(offset & 0xFF)
        out[2] = UInt8(offset >> 8)
        out += 3
    }
}
