/// Writes a flat Parquet file: one row group per `rowGroupRows` rows, v1 data pages of PLAIN values behind RLE
/// definition levels (every column optional, as pandas and pyarrow write them), Snappy by default, with both the
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
    /// Rows per row group.
    public var rowGroupRows: Int

    /// Creates a writer.
    public init(codec: CompressionCodec = .snappy, rowGroupRows: Int = 1_000_000) {
        self.codec = codec
        self.rowGroupRows = max(1, rowGroupRows)
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
        var start = 0
        while start < rowCount || (rowCount == 0 && groups.isEmpty) {
            let end = min(rowCount, start + rowGroupRows)
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
        let encoded = PlainEncoder.encode(column.values, rows: rows, valid: column.valid)
        body += encoded.bytes
        let stored = codec == .snappy ? SnappyCompressor.compress(body) : body
        var page = CompactWriter()
        page.i32(1, 0)
        page.i32(2, Int32(body.count))
        page.i32(3, Int32(stored.count))
        page.structure(5) { header in
            header.i32(1, Int32(rows.count))
            header.i32(2, 0)
            header.i32(3, 3)
            header.i32(4, 3)
        }
        let pageHeader = page.finish()
        let offset = Int64(file.count)
        file += pageHeader
        file += stored
        return ChunkRecord(
            offset: offset, compressedSize: Int64(pageHeader.count + stored.count),
            uncompressedSize: Int64(pageHeader.count + body.count), valueCount: Int64(rows.count),
            nullCount: Int64(nulls), minimum: encoded.minimum, maximum: encoded.maximum
        )
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
                            meta.list(2, .i32, count: 2) { meta, item in meta.zigzag(item == 0 ? 0 : 3) }
                            meta.list(3, .binary, count: 1) { meta, _ in
                                meta.varint(UInt64(schema.name.utf8.count))
                                meta.appendRaw(Array(schema.name.utf8))
                            }
                            meta.i32(4, codec.rawValue)
                            meta.i64(5, chunk.valueCount)
                            meta.i64(6, chunk.uncompressedSize)
                            meta.i64(7, chunk.compressedSize)
                            meta.i64(9, chunk.offset)
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
