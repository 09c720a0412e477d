/// The byte-array encodings built on DELTA_BINARY_PACKED: DELTA_LENGTH_BYTE_ARRAY (encoding 6: the lengths, then the
/// values' bytes back to back) and DELTA_BYTE_ARRAY (encoding 7: the lengths of the prefixes shared with the
/// previous value, then the suffixes as DELTA_LENGTH_BYTE_ARRAY).
enum DeltaByteArrayDecoder {
    private static func fail(_ what: String) -> ParquetError { .corrupt("Corrupt DELTA byte-array data: \(what)") }

    /// DELTA_LENGTH_BYTE_ARRAY: `count` values, and where the encoded run ended.
    static func decodeLengths(_ data: ArraySlice<UInt8>, count: Int) throws -> (ColumnValues, end: Int) {
        var lengths = DeltaBinaryPackedDecoder(data)
        let sizes = try lengths.read(atLeast: count)
        var offsets = [0]
        offsets.reserveCapacity(count + 1)
        var total = 0
        for size in sizes.prefix(count) {
            guard size >= 0, size <= Int64(data.count) else { throw fail("a value of \(size) bytes") }
            total += Int(size)
            offsets.append(total)
        }
        let start = lengths.index
        guard data.endIndex - start >= total else { throw fail("the values run past the end of the page") }
        var consumed = total
        for size in sizes.dropFirst(count) { consumed += Int(max(0, size)) }
        return (
            .byteArrays(offsets: offsets, bytes: Array(data[start..<start + total])),
            min(data.endIndex, start + consumed)
        )
    }

    /// DELTA_BYTE_ARRAY: `count` values.
    static func decodeIncremental(_ data: ArraySlice<UInt8>, count: Int) throws -> ColumnValues {
        var prefixes = DeltaBinaryPackedDecoder(data)
        let prefixLengths = try prefixes.read(atLeast: count)
        let (suffixes, _) = try decodeLengths(data[prefixes.index...], count: count)
        guard case .byteArrays(let suffixOffsets, let suffixBytes) = suffixes else { return suffixes }
        var offsets = [0]
        offsets.reserveCapacity(count + 1)
        var bytes: [UInt8] = []
        var previous = 0..<0
        for row in 0..<count {
            let prefix = prefixLengths[row]
            guard prefix >= 0, prefix <= Int64(previous.count) else {
                throw fail("a prefix of \(prefix) bytes after a value of \(previous.count)")
            }
            let start = bytes.count
            bytes.append(contentsOf: bytes[previous.lowerBound..<previous.lowerBound + Int(prefix)])
            bytes.append(contentsOf: suffixBytes[suffixOffsets[row]..<suffixOffsets[row + 1]])
            previous = start..<bytes.count
            offsets.append(bytes.count)
        }
        return .byteArrays(offsets: offsets, bytes: bytes)
    }
}
