/// Reads one column chunk of a flat schema: dictionary and data pages (v1 and v2), definition levels, and every
/// encoding and codec of the format but the deprecated BIT_PACKED levels and LZO.
struct ColumnChunkReader {
    let file: UnsafeBufferPointer<UInt8>
    let element: SchemaElement
    let chunk: ColumnChunkMetaData

    func read(into accumulator: inout ValueAccumulator) throws {
        // A chunk of no values may point nowhere (a data page offset of 0): there is nothing to read.
        guard chunk.valueCount > 0 else { return }
        let optional = element.repetition == .optional
        var position = Int(chunk.dataPageOffset)
        if let dictionaryOffset = chunk.dictionaryPageOffset, dictionaryOffset > 0,
            dictionaryOffset < chunk.dataPageOffset
        {
            position = Int(dictionaryOffset)
        }
        var end = position + Int(chunk.compressedSize)
        guard position >= 4, end <= file.count - 8, chunk.compressedSize >= 0 else {
            throw ParquetError.corrupt("Column \(element.name)'s pages lie outside the file")
        }
        // Old parquet-mr left the dictionary page out of the chunk's size (PARQUET-816): allow up to the largest
        // dictionary page header past the end, as Arrow does, within the file.
        end = min(end + 100, file.count - 8)
        var dictionary: ColumnValues?
        var rowsRead: Int64 = 0
        while rowsRead < chunk.valueCount, position < end {
            let (header, start) = try PageHeader.read(file, at: position, end: end)
            let stop = start + Int(header.compressedSize)
            guard stop <= end else { throw ParquetError.corrupt("A page of \(element.name) runs past its chunk") }
            position = stop
            let page = file[start..<stop]
            switch header.kind {
            case .dictionary:
                let data = try decompress(page, size: Int(header.uncompressedSize))
                dictionary = try PlainDecoder.decode(
                    data[...], type: chunk.type, count: Int(header.valueCount), typeLength: typeLength
                )
            case .data:
                let data = try decompress(page, size: Int(header.uncompressedSize))[...]
                var values = data
                var present: [Bool]?
                if optional {
                    guard data.count >= 4 else { throw ParquetError.corrupt("A page of \(element.name) is too short") }
                    let length =
                        Int(data[data.startIndex]) | Int(data[data.startIndex + 1]) << 8
                        | Int(data[data.startIndex + 2]) << 16 | Int(data[data.startIndex + 3]) << 24
                    let levelsStart = data.startIndex + 4
                    guard length >= 0, length <= data.count - 4 else {
                        throw ParquetError.corrupt("Definition levels of \(element.name) run past their page")
                    }
                    var levels = RLEHybridDecoder(data[levelsStart..<levelsStart + length], bitWidth: 1)
                    present = try Self.presence(&levels, count: Int(header.valueCount))
                    values = data[(levelsStart + length)...]
                }
                try appendValues(values, header: header, present: present, dictionary: dictionary, to: &accumulator)
            case .dataV2:
                let levelsLength = Int(header.definitionLevelsLength) + Int(header.repetitionLevelsLength)
                guard levelsLength >= 0, levelsLength <= page.count else {
                    throw ParquetError.corrupt("Levels of a v2 page of \(element.name) run past the page")
                }
                var present: [Bool]?
                if optional {
                    let levelsStart = page.startIndex + Int(header.repetitionLevelsLength)
                    var levels = RLEHybridDecoder(
                        ArraySlice(page[levelsStart..<levelsStart + Int(header.definitionLevelsLength)]), bitWidth: 1
                    )
                    present = try Self.presence(&levels, count: Int(header.valueCount))
                }
                let body = page[(page.startIndex + levelsLength)...]
                let values =
                    header.isCompressed
                    ? try decompress(body, size: Int(header.uncompressedSize) - levelsLength)[...] : ArraySlice(body)
                try appendValues(values, header: header, present: present, dictionary: dictionary, to: &accumulator)
            default:
                continue
            }
            if header.kind == .data || header.kind == .dataV2 { rowsRead += Int64(header.valueCount) }
        }
        guard rowsRead == chunk.valueCount else {
            throw ParquetError.corrupt(
                "Column \(element.name) holds \(rowsRead) values where \(chunk.valueCount) were promised")
        }
    }

    private var typeLength: Int { Int(element.typeLength ?? 0) }

    /// A page's definition levels as presence flags, or nil when every row is present (as for a required column).
    private static func presence(_ levels: inout RLEHybridDecoder, count: Int) throws -> [Bool]? {
        let (present, presentCount) = try levels.readPresence(count)
        return presentCount == count ? nil : present
    }

    private func appendValues(
        _ data: ArraySlice<UInt8>,
        header: PageHeader,
        present: [Bool]?,
        dictionary: ColumnValues?,
        to accumulator: inout ValueAccumulator
    ) throws {
        let count = present?.reduce(0) { $0 + ($1 ? 1 : 0) } ?? Int(header.valueCount)
        if header.encoding == 0, present == nil, try accumulator.appendPlain(data, count: count) {
            return
        }
        let decoded: ColumnValues
        switch header.encoding {
        case 0:
            decoded = try PlainDecoder.decode(data, type: chunk.type, count: count, typeLength: typeLength)
        case 2, 8:
            guard let dictionary else {
                throw ParquetError.corrupt("Column \(element.name) uses a dictionary it never defines")
            }
            guard let width = data.first else { throw ParquetError.corrupt("An empty dictionary-encoded page") }
            var indices = RLEHybridDecoder(data.dropFirst(), bitWidth: Int(width))
            decoded = try Self.lookUp(try indices.read(count), in: dictionary)
        case 5 where chunk.type == .int32 || chunk.type == .int64:
            var deltas = DeltaBinaryPackedDecoder(data)
            let values = try deltas.read(atLeast: count).prefix(count)
            decoded =
                chunk.type == .int32 ? .int32s(values.map { Int32(truncatingIfNeeded: $0) }) : .int64s(Array(values))
        case 6 where chunk.type == .byteArray:
            decoded = try DeltaByteArrayDecoder.decodeLengths(data, count: count).0
        case 7 where chunk.type == .byteArray || chunk.type == .fixedLenByteArray:
            let values = try DeltaByteArrayDecoder.decodeIncremental(data, count: count)
            if chunk.type == .fixedLenByteArray, case .byteArrays(let offsets, let bytes) = values {
                guard zip(offsets, offsets.dropFirst()).allSatisfy({ $1 - $0 == typeLength }) else {
                    throw ParquetError.corrupt("A DELTA_BYTE_ARRAY value of \(element.name) is not \(typeLength) bytes")
                }
                decoded = .fixed(width: typeLength, bytes: bytes)
            } else {
                decoded = values
            }
        case 9:
            decoded = try ByteStreamSplitDecoder.decode(data, type: chunk.type, count: count, typeLength: typeLength)
        case 3 where chunk.type == .boolean:
            guard data.count >= 4 else { throw ParquetError.corrupt("An RLE boolean page is too short") }
            var bits = RLEHybridDecoder(data.dropFirst(4), bitWidth: 1)
            decoded = .booleans(try bits.read(count).map { $0 == 1 })
        default:
            throw ParquetError.unsupported(
                "Column \(element.name) uses encoding \(header.encoding), which this reader does not decode yet"
            )
        }
        try accumulator.append(decoded, present: present)
    }

    static func lookUp(_ indices: [UInt64], in dictionary: ColumnValues) throws -> ColumnValues {
        let size = dictionary.count
        guard indices.allSatisfy({ $0 < UInt64(size) }) else {
            throw ParquetError.corrupt("A dictionary index is past the dictionary's \(size) entries")
        }
        switch dictionary {
        case .booleans(let values): return .booleans(indices.map { values[Int($0)] })
        case .int32s(let values): return .int32s(indices.map { values[Int($0)] })
        case .int64s(let values): return .int64s(indices.map { values[Int($0)] })
        case .int96s(let values): return .int96s(indices.map { values[Int($0)] })
        case .floats(let values): return .floats(indices.map { values[Int($0)] })
        case .doubles(let values): return .doubles(indices.map { values[Int($0)] })
        case .byteArrays(let offsets, let bytes):
            var newOffsets = [Int](repeating: 0, count: indices.count + 1)
            var total = 0
            for (row, index) in indices.enumerated() {
                total += offsets[Int(index) + 1] - offsets[Int(index)]
                newOffsets[row + 1] = total
            }
            let newBytes = [UInt8](unsafeUninitializedCapacity: total) { output, written in
                bytes.withUnsafeBufferPointer { source in
                    for index in indices {
                        let start = offsets[Int(index)]
                        let length = offsets[Int(index) + 1] - start
                        if length > 0 {
                            (output.baseAddress! + written).initialize(from: source.baseAddress! + start, count: length)
                        }
                        written += length
                    }
                }
            }
            return .byteArrays(offsets: newOffsets, bytes: newBytes)
        case .fixed(let width, let bytes):
            var out: [UInt8] = []
            for index in indices { out.append(contentsOf: bytes[(Int(index) * width)..<((Int(index) + 1) * width)]) }
            return .fixed(width: width, bytes: out)
        }
    }

    private func decompress(_ page: Slice<UnsafeBufferPointer<UInt8>>, size: Int) throws -> [UInt8] {
        let output: [UInt8]
        if size == 0, chunk.codec != .uncompressed {
            // An empty page (a v2 page of nulls): some writers store no compressed bytes at all.
            return []
        }
        switch chunk.codec {
        case .uncompressed: output = Array(page)
        case .snappy: output = try Snappy.decompress(UnsafeBufferPointer(rebasing: page))
        case .gzip: output = try Gzip.decompress(ArraySlice(page), size: size)
        case .zstd: output = try Zstd.decompress(ArraySlice(page), size: size)
        case .lz4Raw: output = try LZ4Raw.decompress(ArraySlice(page), size: size)
        case .lz4: output = try LZ4Raw.decompressLegacy(ArraySlice(page), size: size)
        case .brotli: output = try Brotli.decompress(ArraySlice(page), size: size)
        default:
            throw ParquetError.unsupported(
                "Column \(element.name) is compressed with \(chunk.codec), which this reader does not decode yet"
            )
        }
        guard output.count == size else {
            throw ParquetError.corrupt("A page of \(element.name) is \(output.count) bytes where \(size) were promised")
        }
        return output
    }
}
