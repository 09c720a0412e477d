/// Dictionary-encodes the present values of some rows: the distinct values in first-seen order and, per present
/// value, its index. Gives up (nil) once the dictionary's PLAIN size passes `limitBytes`, so the writer falls back
/// to PLAIN pages, as pyarrow does when a dictionary grows too big.
enum DictionaryEncoder {
    /// The default largest dictionary, in PLAIN bytes (pyarrow's default dictionary page size limit).
    static let defaultLimitBytes = 1 << 20

    static func encode(_ values: ColumnValues, rows: Range<Int>, valid: [Bool]?, limitBytes: Int)
        -> (dictionary: ColumnValues, indices: [UInt32])?
    {
        var indices: [UInt32] = []
        indices.reserveCapacity(rows.count)
        func fixedWidth<Key: Hashable, Value>(
            _ numbers: [Value], width: Int, key: (Value) -> Key, wrap: ([Value]) -> ColumnValues
        ) -> (ColumnValues, [UInt32])? {
            var seen: [Key: UInt32] = [:]
            var distinct: [Value] = []
            for row in rows where valid?[row] ?? true {
                let value = numbers[row]
                let index: UInt32
                if let known = seen[key(value)] {
                    index = known
                } else {
                    index = UInt32(distinct.count)
                    seen[key(value)] = index
                    distinct.append(value)
                    if distinct.count * width > limitBytes { return nil }
                }
                indices.append(index)
            }
            return (wrap(distinct), indices)
        }
        switch values {
        case .int32s(let numbers):
            return fixedWidth(numbers, width: 4, key: { $0 }, wrap: { .int32s($0) })
        case .int64s(let numbers):
            return fixedWidth(numbers, width: 8, key: { $0 }, wrap: { .int64s($0) })
        case .doubles(let numbers):
            return fixedWidth(numbers, width: 8, key: { $0.bitPattern }, wrap: { .doubles($0) })
        case .floats(let numbers):
            return fixedWidth(numbers, width: 4, key: { $0.bitPattern }, wrap: { .floats($0) })
        case .byteArrays(let offsets, let bytes):
            var seen: [ArraySlice<UInt8>: UInt32] = [:]
            var dictionaryOffsets: [Int] = [0]
            var dictionaryBytes: [UInt8] = []
            for row in rows where valid?[row] ?? true {
                let value = bytes[offsets[row]..<offsets[row + 1]]
                let index: UInt32
                if let known = seen[value] {
                    index = known
                } else {
                    index = UInt32(dictionaryOffsets.count - 1)
                    seen[value] = index
                    dictionaryBytes += value
                    dictionaryOffsets.append(dictionaryBytes.count)
                    if dictionaryBytes.count + 4 * dictionaryOffsets.count > limitBytes { return nil }
                }
                indices.append(index)
            }
            return (.byteArrays(offsets: dictionaryOffsets, bytes: dictionaryBytes), indices)
        case .booleans, .int96s, .fixed:
            return nil
        }
    }

    /// The indices as a data page's values: one byte of bit width, then one bit-packed run (RLE/bit-packed hybrid).
    static func encodeIndices(_ indices: [UInt32], dictionaryCount: Int) -> [UInt8] {
        var width = 1
        while (1 << width) < dictionaryCount { width += 1 }
        var out: [UInt8] = [UInt8(width)]
        let groups = (indices.count + 7) / 8
        var header = UInt64(groups) << 1 | 1
        while header >= 0x80 {
            out.append(UInt8(header & 0x7F) | 0x80)
            header >>= 7
        }
        out.append(UInt8(header))
        let start = out.count
        out += [UInt8](repeating: 0, count: groups * width)
        var bit = 0
        for index in indices {
            var value = UInt64(index)
            var remaining = width
            while remaining > 0 {
                let byte = start + bit >> 3
                let shift = bit & 7
                let take = min(remaining, 8 - shift)
                out[byte] |= UInt8(truncatingIfNeeded: (value & ((1 << take) - 1)) << shift)
                value >>= take
                remaining -= take
                bit += take
            }
        }
        return out
    }
}
