/// Dictionary-encodes the present values of some rows: the distinct values in first-seen order and, per present
/// value, its index. Gives up (nil) once the dictionary's PLAIN size passes `limitBytes`, so the writer falls back
/// to PLAIN pages, as pyarrow does when a dictionary grows too big.
enum DictionaryEncoder {
    static func encode(_ values: ColumnValues, rows: Range<Int>, valid: [Bool]?, limitBytes: Int)
        -> (dictionary: ColumnValues, indices: [UInt32])?
    {
        switch values {
        case .int32s(let numbers):
            return fixedWidth(numbers, rows, valid, limit: limitBytes / 4, key: { UInt64(UInt32(bitPattern: $0)) })
                .map { (.int32s($0), $1) }
        case .int64s(let numbers):
            return fixedWidth(numbers, rows, valid, limit: limitBytes / 8, key: { UInt64(bitPattern: $0) })
                .map { (.int64s($0), $1) }
        case .doubles(let numbers):
            return fixedWidth(numbers, rows, valid, limit: limitBytes / 8, key: { $0.bitPattern }).map {
                (.doubles($0), $1)
            }
        case .floats(let numbers):
            return fixedWidth(numbers, rows, valid, limit: limitBytes / 4, key: { UInt64($0.bitPattern) }).map {
                (.floats($0), $1)
            }
        case .byteArrays(let offsets, let bytes):
            return byteArrays(offsets, bytes, rows, valid, limitBytes: limitBytes)
        case .booleans, .int96s, .fixed:
            return nil
        }
    }

    /// Values compared by a 64-bit key (their bit pattern, so NaNs of one pattern are one entry, as pyarrow
    /// does); at most `limit` distinct ones.
    private static func fixedWidth<Value>(
        _ numbers: [Value], _ rows: Range<Int>, _ valid: [Bool]?, limit: Int, key: (Value) -> UInt64
    ) -> ([Value], [UInt32])? {
        var table = SlotTable()
        var distinct: [Value] = []
        var keys: [UInt64] = []
        var indices: [UInt32] = []
        indices.reserveCapacity(rows.count)
        for row in rows where valid?[row] ?? true {
            let value = numbers[row]
            let bits = key(value)
            let index = table.index(hash: mix(bits)) { keys[$0] == bits }
            if index == keys.count {
                guard keys.count < limit else { return nil }
                keys.append(bits)
                distinct.append(value)
            }
            indices.append(UInt32(index))
        }
        return (distinct, indices)
    }

    private static func byteArrays(
        _ offsets: [Int], _ bytes: [UInt8], _ rows: Range<Int>, _ valid: [Bool]?, limitBytes: Int
    ) -> (dictionary: ColumnValues, indices: [UInt32])? {
        var table = SlotTable()
        var dictionaryOffsets: [Int] = [0]
        var dictionaryBytes: [UInt8] = []
        var indices: [UInt32] = []
        indices.reserveCapacity(rows.count)
        let complete: Bool = offsets.withUnsafeBufferPointer { offsets in
            bytes.withUnsafeBufferPointer { bytes in
                for row in rows where valid?[row] ?? true {
                    let value = UnsafeBufferPointer(rebasing: bytes[offsets[row]..<offsets[row + 1]])
                    let count = dictionaryOffsets.count - 1
                    let index = table.index(hash: hash(value)) { entry in
                        let start = dictionaryOffsets[entry]
                        let length = dictionaryOffsets[entry + 1] - start
                        return length == value.count
                            && dictionaryBytes.withUnsafeBufferPointer { stored in
                                value.elementsEqual(UnsafeBufferPointer(rebasing: stored[start..<start + length]))
                            }
                    }
                    if index == count {
                        dictionaryBytes.append(contentsOf: value)
                        dictionaryOffsets.append(dictionaryBytes.count)
                        if dictionaryBytes.count + 4 * dictionaryOffsets.count > limitBytes { return false }
                    }
                    indices.append(UInt32(index))
                }
                return true
            }
        }
        guard complete else { return nil }
        return (.byteArrays(offsets: dictionaryOffsets, bytes: dictionaryBytes), indices)
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value &* 0x9E37_79B9_7F4A_7C15
        mixed ^= mixed >> 29
        return mixed &* 0xBF58_476D_1CE4_E5B9
    }

    /// A hash of some bytes, 8 at a time.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var state = UInt64(bytes.count)
        var index = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while bytes.count - index >= 8 {
                state = mix(state ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                index += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                tail |= UInt64(base[index]) << shift
                shift += 8
                index += 1
            }
            state = mix(state ^ tail)
        }
        return state
    }

    /// The indices as a data page's values: one byte of bit width, then one bit-packed run (RLE/bit-packed hybrid).
    static func encodeIndices(_ indices: ArraySlice<UInt32>, dictionaryCount: Int, to out: inout [UInt8]) {
        var width = 1
        while (1 << width) < dictionaryCount { width += 1 }
        out.append(UInt8(width))
        let groups = (indices.count + 7) / 8
        var header = UInt64(groups) << 1 | 1
        while header >= 0x80 {
            out.append(UInt8(header & 0x7F) | 0x80)
            header >>= 7
        }
        out.append(UInt8(header))
        // Bits accumulate in a 64-bit word, flushed a byte at a time; the padding of the last group is zeros.
        let end = out.count + groups * width
        out.reserveCapacity(end)
        var word: UInt64 = 0
        var bits = 0
        for index in indices {
            word |= UInt64(index) << UInt64(bits)
            bits += width
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: word)) }
        while out.count < end { out.append(0) }
    }
}

/// Open addressing over entry numbers: each slot holds an entry's number plus one, or 0 when free; each entry's
/// hash is kept, so a probe compares values only when hashes agree and the table can double when half full.
private struct SlotTable {
    private var slots = [UInt32](repeating: 0, count: 1024)
    private var hashes: [UInt32] = []

    /// The number of the entry equal to the value (`matches` compares one), or, when there is none, a new entry's
    /// number: the count of entries before the call, which the caller appends.
    @inline(__always)
    mutating func index(hash: UInt64, matches: (Int) -> Bool) -> Int {
        let high = UInt32(truncatingIfNeeded: hash >> 32)
        let mask = slots.count - 1
        var position = Int(high) & mask
        while true {
            let slot = slots[position]
            if slot == 0 { break }
            let entry = Int(slot) - 1
            if hashes[entry] == high, matches(entry) { return entry }
            position = (position + 1) & mask
        }
        let entry = hashes.count
        slots[position] = UInt32(entry + 1)
        hashes.append(high)
        if hashes.count * 2 > slots.count { grow() }
        return entry
    }

    private mutating func grow() {
        slots = [UInt32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (entry, high) in hashes.enumerated() {
            var position = Int(high) & mask
            while slots[position] != 0 { position = (position + 1) & mask }
            slots[position] = UInt32(entry + 1)
        }
    }
}
