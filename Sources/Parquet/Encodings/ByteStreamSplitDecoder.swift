/// BYTE_STREAM_SPLIT (encoding 9): for `count` values of `width` bytes, stream `k` holds byte `k` of every value.
/// The streams are interleaved back into PLAIN order and decoded as PLAIN.
enum ByteStreamSplitDecoder {
    static func decode(_ data: ArraySlice<UInt8>, type: PhysicalType, count: Int, typeLength: Int) throws
        -> ColumnValues
    {
        let width: Int
        switch type {
        case .float, .int32: width = 4
        case .double, .int64: width = 8
        case .fixedLenByteArray: width = typeLength
        default:
            throw ParquetError.corrupt("BYTE_STREAM_SPLIT cannot encode \(type) values")
        }
        guard width > 0, data.count >= width * count, data.count % width == 0 else {
            throw ParquetError.corrupt("A BYTE_STREAM_SPLIT page of \(data.count) bytes cannot hold \(count) values")
        }
        // The streams span the whole page: a null slot has no value, so the page's values may exceed `count`.
        let values = data.count / width
        var plain = [UInt8](repeating: 0, count: count * width)
        let start = data.startIndex
        for value in 0..<count {
            for byte in 0..<width { plain[value * width + byte] = data[start + byte * values + value] }
        }
        return try PlainDecoder.decode(plain[...], type: type, count: count, typeLength: typeLength)
    }
}
