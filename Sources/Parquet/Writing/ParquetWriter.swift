/// Writes a flat Parquet file: row groups of at most `rowGroupRows` rows and about `rowGroupBytes` bytes, v1 data
/// pages behind RLE definition levels, dictionary-encoded (a PLAIN dictionary page, RLE_DICTIONARY indices) unless
/// the dictionary passes `dictionaryLimitBytes`, then PLAIN (every column optional, as pandas and pyarrow write them), Snappy by default, with both the
/// logical and the converted type of each column and min/max/null-count statistics.
public struct ParquetWriter: Sendable {
    /// A column to write: its schema element (name, physical type, annotations) and one value slot per row.
    public struct ColumnInput: Sendable {
        /// The schema element; its repetition is set to optional.
        public var element: SchemaElement
        /// The values, one slot per row.
        public var values: ColumnValues
        /// Which rows hold a value (nil: all).
        public var valid: [Bool]?

        /// Creates a column input.
        public init(element: SchemaElement, values: ColumnValues, valid: [Bool]?) {
            self.element = element
            self.values = values
            self.valid = valid
        }
    }

    /// The pages' compression: `.snappy` (default) or `.uncompressed`.
    public var codec: CompressionCodec
    /// Most rows per row group.
    public var rowGroupRows: Int
    /// About the most uncompressed bytes per row group (estimated from the values' PLAIN size).
    public var rowGroupBytes: Int
    /// The largest dictionary (PLAIN bytes) per column chunk; beyond it the chunk is written PLAIN. 0 disables
    /// dictionary encoding.
    public var dictionaryLimitBytes: Int

    /// Creates a writer.
    public init(
        codec: CompressionCodec = .snappy, rowGroupRows: Int = 1_000_000, rowGroupBytes: Int = 128 << 20,
        dictionaryLimitBytes: Int = 1 << 20
    ) {
        self.codec = codec
        self.rowGroupRows = max(1, rowGroupRows)
        self.rowGroupBytes = max(1, rowGroupBytes)
        self.dictionaryLimitBytes = max(0, dictionaryLimitBytes)
    }

    /// Rows per row group: `rowGroupRows`, fewer when the rows' estimated PLAIN size passes `rowGroupBytes`.
    func rowsPerGroup(_ columns: [ColumnInput], rowCount: Int) -> Int {
        guard rowCount > 0 else { return rowGroupRows }
        var bytes = 0
        for column in columns {
            switch column.values {
            case .booleans: bytes += rowCount / 8 + 1
            case .int32s, .floats: bytes += 4 * rowCount
            case .int64s, .doubles: bytes += 8 * rowCount
            case .int96s: bytes += 12 * rowCount
            case .byteArrays(let offsets, _): bytes += 4 * rowCount + (offsets.last ?? 0) - (offsets.first ?? 0)
            case .fixed(let width, _): bytes += width * rowCount
            }
        }
        let perRow = max(1, bytes / rowCount)
        return max(1, min(rowGroupRows, rowGroupBytes / perRow))
    }

    /// The file's bytes.
    /// - Throws: `ParquetError.unsupported` for a codec other than Snappy or none; `.corrupt` when the columns
    ///   differ in length.
    public func write(_ columns: [ColumnInput]) throws -> [UInt8] {
        guard codec == .snappy || codec == .uncompressed else {
            throw ParquetError.unsupported("Writing \(codec) is not supported: use Snappy or no compression")
        }
        let rowCount = columns.first?.values.count ?? 0
        guard columns.allSatisfy({ $0.values.count == rowCount && ($0.valid?.count ?? rowCount) == rowCount }) else {
            throw ParquetError.corrupt("The columns to write differ in length")
        }
        var file: [UInt8] = Array("PAR1".utf8)
        var groups: [(rows: Int, chunks: [ChunkRecord])] = []
        let groupRows = rowsPerGroup(columns, rowCount: rowCount)
        var start = 0
        while start < rowCount || (rowCount == 0 && groups.isEmpty) {
            let end = min(rowCount, start + groupRows)
            var chunks: [ChunkRecord] = []
            for column in columns {
                chunks.append(try writeChunk(column, rows: start..<end, into: &file))
            }
            groups.append((end - start, chunks))
            start = end
            if rowCount == 0 { break }
        }
        let footer = footer(columns: columns, groups: groups, rowCount: rowCount)
        file += footer
        let length = UInt32(footer.count)
        file += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        file += Array("PAR1".utf8)
        return file
    }

    struct ChunkRecord {
        var offset: Int64
        var dictionaryOffset: Int64?
        var dataOffset: Int64
        var compressedSize: Int64
        var uncompressedSize: Int64
        var valueCount: Int64
        var nullCount: Int64
        var minimum: [UInt8]?
        var maximum: [UInt8]?
    }

    private func writeChunk(_ column: ColumnInput, rows: Range<Int>, into file: inout [UInt8]) throws -> ChunkRecord {
        var body: [UInt8] = []
        // Definition levels: 1 for a value, 0 for a null, bit-packed in one run, behind their byte length.
        var levels: [UInt8] = []
        let groups = (rows.count + 7) / 8
        var header = UInt64(groups) << 1 | 1
        while header >= 0x80 {
            levels.append(UInt8(header & 0x7F) | 0x80)
            header >>= 7
        }
        levels.append(UInt8(header))
        var packed = [UInt8](repeating: 0, count: groups)
        var nulls = 0
        for (offset, row) in rows.enumerated() {
            if column.valid?[row] ?? true {
                packed[offset / 8] |= 1 << UInt8(offset % 8)
            } else {
                nulls += 1
            }
        }
        levels += packed
        let length = UInt32(levels.count)
        body += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        body += levels
        let offset = Int64(file.count)
        var dictionaryOffset: Int64?
        var compressed = 0
        var uncompressed = 0
        let minimum: [UInt8]?
        let maximum: [UInt8]?
        let dataEncoding: Int32
        if dictionaryLimitBytes > 0,
            let (dictionary, indices) = DictionaryEncoder.encode(
                column.values, rows: rows, valid: column.valid, limitBytes: dictionaryLimitBytes)
        {
            let count = indices.isEmpty ? 0 : Int(indices.max() ?? 0) + 1
            let plain = PlainEncoder.encode(dictionary, rows: 0..<count, valid: nil)
            (minimum, maximum) = (plain.minimum, plain.maximum)
            dictionaryOffset = offset
            let sizes = writePage(plain.bytes, type: 2, into: &file) { page in
                page.structure(7) { header in
                    header.i32(1, Int32(count))
                    header.i32(2, 0)
                }
            }
            compressed += sizes.compressed
            uncompressed += sizes.uncompressed
            body += DictionaryEncoder.encodeIndices(indices, dictionaryCount: count)
            dataEncoding = 8
        } else {
            let encoded = PlainEncoder.encode(column.values, rows: rows, valid: column.valid)
            (minimum, maximum) = (encoded.minimum, encoded.maximum)
            body += encoded.bytes
            dataEncoding = 0
        }
        let dataOffset = Int64(file.count)
        let sizes = writePage(body, type: 0, into: &file) { page in
            page.structure(5) { header in
                header.i32(1, Int32(rows.count))
                header.i32(2, dataEncoding)
                header.i32(3, 3)
                header.i32(4, 3)
            }
        }
        compressed += sizes.compressed
        uncompressed += sizes.uncompressed
        return ChunkRecord(
            offset: offset, dictionaryOffset: dictionaryOffset, dataOffset: dataOffset,
            compressedSize: Int64(compressed), uncompressedSize: Int64(uncompressed), valueCount: Int64(rows.count),
            nullCount: Int64(nulls), minimum: minimum, maximum: maximum
        )
    }

    /// Appends one page of `type` (0 data, 2 dictionary): its header, whose type-specific part `specific` writes,
    /// then the body compressed with `codec`. Gives the page's compressed and uncompressed size.
    private func writePage(
        _ body: [UInt8], type: Int32, into file: inout [UInt8], specific: (inout CompactWriter) -> Void
    ) -> (compressed: Int, uncompressed: Int) {
        let stored = codec == .snappy ? SnappyCompressor.compress(body) : body
        var page = CompactWriter()
        page.i32(1, type)
        page.i32(2, Int32(body.count))
        page.i32(3, Int32(stored.count))
        specific(&page)
        let pageHeader = page.finish()
        file += pageHeader
        file += stored
        return (pageHeader.count + stored.count, pageHeader.count + body.count)
    }

    private func footer(columns: [ColumnInput], groups: [(rows: Int, chunks: [ChunkRecord])], rowCount: Int)
        -> [UInt8]
    {
        var writer = CompactWriter()
        writer.i32(1, 2)
        writer.list(2, .structure, count: columns.count + 1) { writer, index in
            writer.element { element in
                if index == 0 {
                    element.string(4, "schema")
                    element.i32(5, Int32(columns.count))
                    return
                }
                let schema = columns[index - 1].element
                if let type = schema.type { element.i32(1, type.rawValue) }
                if let length = schema.typeLength { element.i32(2, length) }
                element.i32(3, Repetition.optional.rawValue)
                element.string(4, schema.name)
                if let converted = schema.convertedType { element.i32(6, converted) }
                if let scale = schema.scale { element.i32(7, scale) }
                if let precision = schema.precision { element.i32(8, precision) }
                if let logical = schema.logicalType { element.structure(10) { LogicalTypeWriter.write(logical, &$0) } }
            }
        }
        writer.i64(3, Int64(rowCount))
        writer.list(4, .structure, count: groups.count) { writer, index in
            let group = groups[index]
            writer.element { row in
                row.list(1, .structure, count: group.chunks.count) { row, column in
                    let chunk = group.chunks[column]
                    let schema = columns[column].element
                    row.element { entry in
                        entry.i64(2, chunk.offset)
                        entry.structure(3) { meta in
                            meta.i32(1, (schema.type ?? .byteArray).rawValue)
                            let encodings: [Int64] = chunk.dictionaryOffset == nil ? [0, 3] : [0, 3, 8]
                            meta.list(2, .i32, count: encodings.count) { meta, item in meta.zigzag(encodings[item]) }
                            meta.list(3, .binary, count: 1) { meta, _ in
                                meta.varint(UInt64(schema.name.utf8.count))
                                meta.appendRaw(Array(schema.name.utf8))
                            }
                            meta.i32(4, codec.rawValue)
                            meta.i64(5, chunk.valueCount)
                            meta.i64(6, chunk.uncompressedSize)
                            meta.i64(7, chunk.compressedSize)
                            meta.i64(9, chunk.dataOffset)
                            if let dictionaryOffset = chunk.dictionaryOffset { meta.i64(11, dictionaryOffset) }
                            meta.structure(12) { statistics in
                                statistics.i64(3, chunk.nullCount)
                                if let maximum = chunk.maximum { statistics.binary(5, maximum) }
                                if let minimum = chunk.minimum { statistics.binary(6, minimum) }
                            }
                        }
                    }
                }
                row.i64(2, group.chunks.reduce(0) { $0 + $1.uncompressedSize })
                row.i64(3, Int64(group.rows))
            }
        }
        writer.string(6, "b2kit")
        // Column orders say min_value/max_value follow each type's natural order, so readers trust them.
        writer.list(7, .structure, count: columns.count) { writer, _ in
            writer.element { order in order.structure(1) { _ in } }
        }
        return writer.finish()
    }
}

/// Writes a logical type union.
enum LogicalTypeWriter {
    static func write(_ logical: LogicalType, _ writer: inout CompactWriter) {
        func unit(_ unit: LogicalType.Unit, _ writer: inout CompactWriter) {
            let id: Int16 =
                switch unit {
                case .millis: 1
                case .micros: 2
                case .nanos: 3
                }
            writer.structure(id) { _ in }
        }
        switch logical {
        case .string: writer.structure(1) { _ in }
        case .date: writer.structure(6) { _ in }
        case .decimal(let precision, let scale):
            writer.structure(5) { decimal in
                decimal.i32(1, scale)
                decimal.i32(2, precision)
            }
        case .timestamp(let timeUnit, let adjusted):
            writer.structure(8) { timestamp in
                timestamp.bool(1, adjusted)
                timestamp.structure(2) { unit(timeUnit, &$0) }
            }
        case .integer(let width, let signed):
            writer.structure(10) { integer in
                integer.fieldHeader(1, .byte)
                integer.appendRaw([UInt8(bitPattern: width)])
                integer.bool(2, signed)
            }
        case .json: writer.structure(12) { _ in }
        default: break
        }
    }
}
