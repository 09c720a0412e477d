/// Parquet's RLE / bit-packing hybrid: definition levels, dictionary indices and RLE booleans.
struct RLEHybridDecoder {
    private let bytes: ArraySlice<UInt8>
    private var index: Int
    private let bitWidth: Int
    private var repeatCount = 0
    private var repeatValue: UInt64 = 0
    private var packed: [UInt64] = []
    private var packedIndex = 0

    init(_ bytes: ArraySlice<UInt8>, bitWidth: Int) {
        self.bytes = bytes
        index = bytes.startIndex
        self.bitWidth = bitWidth
    }

    private func fail(_ what: String) -> ParquetError { .corrupt("Corrupt RLE/bit-packed data: \(what)") }

    mutating func next() throws -> UInt64 {
        while true {
            if repeatCount > 0 {
                repeatCount -= 1
                return repeatValue
            }
            if packedIndex < packed.count {
                packedIndex += 1
                return packed[packedIndex - 1]
            }
            try readRun()
        }
    }

    /// Reads `count` values.
    mutating func read(_ count: Int) throws -> [UInt64] {
        var values: [UInt64] = []
        values.reserveCapacity(count)
        while values.count < count {
            let wanted = count - values.count
            if repeatCount > 0 {
                let taken = min(repeatCount, wanted)
                values.append(contentsOf: repeatElement(repeatValue, count: taken))
                repeatCount -= taken
            } else if packedIndex < packed.count {
                let taken = min(packed.count - packedIndex, wanted)
                values.append(contentsOf: packed[packedIndex..<packedIndex + taken])
                packedIndex += taken
            } else {
                try readRun()
            }
        }
        return values
    }

    /// Reads `count` definition levels of a column whose only levels are 0 (null) and 1 (present): per row, true
    /// when present, with the number present.
    mutating func readPresence(_ count: Int) throws -> (present: [Bool], presentCount: Int) {
        var present: [Bool] = []
        present.reserveCapacity(count)
        var presentCount = 0
        while present.count < count {
            let wanted = count - present.count
            if repeatCount > 0 {
                let taken = min(repeatCount, wanted)
                present.append(contentsOf: repeatElement(repeatValue == 1, count: taken))
                if repeatValue == 1 { presentCount += taken }
                repeatCount -= taken
            } else if packedIndex < packed.count {
                let taken = min(packed.count - packedIndex, wanted)
                for level in packed[packedIndex..<packedIndex + taken] {
                    present.append(level == 1)
                    if level == 1 { presentCount += 1 }
                }
                packedIndex += taken
            } else {
                try readRun()
            }
        }
        return (present, presentCount)
    }

    private mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.endIndex, shift < 64 else { throw fail("the data ends inside a run header") }
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func readRun() throws {
        guard bitWidth <= 64 else { throw fail("a bit width of \(bitWidth)") }
        let header = try varint()
        if header & 1 == 0 {
            let count = header >> 1
            guard count > 0, count <= 1 << 31 else { throw fail("an RLE run of \(count)") }
            let width = (bitWidth + 7) / 8
            guard bytes.endIndex - index >= width else { throw fail("the data ends inside an RLE run") }
            var value: UInt64 = 0
            for byte in 0..<width { value |= UInt64(bytes[index + byte]) << (8 * UInt64(byte)) }
            index += width
            repeatCount = Int(count)
            repeatValue = value
        } else {
            let groups = Int(header >> 1)
            let byteCount = groups * bitWidth
            guard groups > 0, bytes.endIndex - index >= 0 else { throw fail("an empty bit-packed run") }
            let available = min(byteCount, bytes.endIndex - index)
            packed = BitUnpacker.unpack(bytes[index..<index + available], bitWidth: bitWidth, count: groups * 8)
            packedIndex = 0
            index += available
            if bitWidth == 0 { packed = Array(repeating: 0, count: groups * 8) }
        }
    }
}

/// Unpacks little-endian bit-packed values.
enum BitUnpacker {
    static func unpack(_ bytes: ArraySlice<UInt8>, bitWidth: Int, count: Int) -> [UInt64] {
        guard bitWidth > 0 else { return Array(repeating: 0, count: count) }
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        return bytes.withUnsafeBufferPointer { source in
            [UInt64](unsafeUninitializedCapacity: count) { values, initialized in
                let totalBits = source.count * 8
                var bitPosition = 0
                for slot in 0..<count {
                    // Values past the end of a final, partial group read as zero.
                    guard bitPosition + bitWidth <= totalBits else {
                        values[slot] = 0
                        bitPosition += bitWidth
                        continue
                    }
                    let byteIndex = bitPosition >> 3
                    let offset = bitPosition & 7
                    var value: UInt64
                    if bitWidth <= 56, source.count - byteIndex >= 8 {
                        // One unaligned little-endian load holds the whole value.
                        let word = UnsafeRawPointer(source.baseAddress! + byteIndex).loadUnaligned(as: UInt64.self)
                        value = UInt64(littleEndian: word) >> UInt64(offset)
                    } else {
                        value = 0
                        var got = 0
                        while got < bitWidth {
                            let byte = UInt64(source[(bitPosition + got) / 8])
                            let shift = (bitPosition + got) % 8
                            let take = min(8 - shift, bitWidth - got)
                            value |= ((byte >> UInt64(shift)) & ((1 << UInt64(take)) - 1)) << UInt64(got)
                            got += take
                        }
                    }
                    values[slot] = value & mask
                    bitPosition += bitWidth
                }
                initialized = count
            }
        }
    }
}
