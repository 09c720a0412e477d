/// DELTA_BINARY_PACKED (encoding 5): a header (block size, miniblocks per block, value count, first value), then
/// blocks of a zigzag minimum delta, one bit width per miniblock, and the miniblocks' bit-packed deltas. Written
/// from the Parquet format's description; every length is checked, and arithmetic wraps as the format says.
struct DeltaBinaryPackedDecoder {
    private let bytes: ArraySlice<UInt8>
    /// Where the next unread byte is; after ``read(_:)`` of every value, the end of the encoded run.
    private(set) var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    private func fail(_ what: String) -> ParquetError { .corrupt("Corrupt DELTA_BINARY_PACKED data: \(what)") }

    private mutating func uleb() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.endIndex, shift < 64 else { throw fail("the data ends inside a number") }
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func zigzag() throws -> Int64 {
        let raw = try uleb()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Decodes the whole run: every value its header announces (at least `expected` of them must be there).
    mutating func read(atLeast expected: Int) throws -> [Int64] {
        let blockSize = try uleb()
        let miniblocks = try uleb()
        let total = try uleb()
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20, miniblocks > 0, blockSize % miniblocks == 0,
            (blockSize / miniblocks) % 32 == 0
        else { throw fail("a block of \(blockSize) values in \(miniblocks) miniblocks") }
        guard total >= UInt64(expected), total <= UInt64(bytes.count) * 64 + 1 else {
            throw fail("\(total) values where \(expected) were expected")
        }
        // The header always carries a first value, even for an empty run (a page of nulls).
        var last = try zigzag()
        var values: [Int64] = []
        values.reserveCapacity(Int(total))
        guard total > 0 else { return values }
        values.append(last)
        let perMiniblock = Int(blockSize / miniblocks)
        while values.count < Int(total) {
            let minDelta = try zigzag()
            guard bytes.endIndex - index >= Int(miniblocks) else { throw fail("the bit widths run past the end") }
            let widths = bytes[index..<index + Int(miniblocks)]
            index += Int(miniblocks)
            for width in widths {
                guard values.count < Int(total) else { break }
                guard width <= 64 else { throw fail("a bit width of \(width)") }
                let length = perMiniblock * Int(width) / 8
                guard bytes.endIndex - index >= length else { throw fail("a miniblock runs past the end") }
                let take = min(perMiniblock, Int(total) - values.count)
                let deltas = BitUnpacker.unpack(bytes[index..<index + length], bitWidth: Int(width), count: take)
                index += length
                for delta in deltas {
                    last = last &+ minDelta &+ Int64(bitPattern: delta)
                    values.append(last)
                }
            }
        }
        return values
    }
}
