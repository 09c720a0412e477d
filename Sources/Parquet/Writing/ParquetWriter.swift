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
    /// About the most bytes of values per data page (PLAIN bytes, or bit-packed dictionary indices); a column
    /// chunk is split into pages of this size, as pyarrow's default of 1 MiB does.
    public var dataPageBytes: Int

    /// Creates a writer.
    public init(
        codec: CompressionCodec = .snappy, rowGroupRows: Int = 1_000_000, rowGroupBytes: Int = 128 << 20,
        dictionaryLimitBytes: Int = 1 << 20, dataPageBytes: Int = 1 << 20
    ) {
        self.codec = codec
        self.rowGroupRows = max(1, rowGroupRows)
        self.rowGroupBytes = max(1, rowGroupBytes)
        self.dictionaryLimitBytes = max(0, dictionaryLimitBytes)
        self.dataPageBytes = max(1, dataPageBytes)
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
        // Room for the values uncompressed (Snappy rarely grows them): the file is not copied as it grows.
        file.reserveCapacity(columns.reduce(1 << 16) { $0 + Self.plainBytes($1.values, rows: 0..<rowCount) })
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
        let valid = column.valid.flatMap { flags in rows.allSatisfy { flags[$0] } ? nil : flags }
        let nulls = valid.map { flags in rows.reduce(0) { $0 + (flags[$1] ? 0 : 1) } } ?? 0
        let offset = Int64(file.count)
        var dictionaryOffset: Int64?
        var sizes = (compressed: 0, uncompressed: 0)
        var scratch = PageScratch()
        let bounds: (minimum: [UInt8], maximum: [UInt8])?
        var pages: [(rows: Range<Int>, encoding: Int32)] = []
        var dictionaryIndices: (indices: [UInt32], count: Int)?
        if dictionaryLimitBytes > 0,
            let (dictionary, indices) = DictionaryEncoder.encode(
                column.values, rows: rows, valid: valid, limitBytes: dictionaryLimitBytes)
        {
            let count = dictionary.count
            bounds = PlainEncoder.bounds(dictionary, rows: 0..<count, valid: nil)
            dictionaryOffset = offset
            PlainEncoder.append(dictionary, rows: 0..<count, valid: nil, to: &scratch.body)
            let written = writePage(&scratch, type: 2, into: &file) { page in
                page.structure(7) { header in
                    header.i32(1, Int32(count))
                    header.i32(2, 0)
                }
            }
            sizes = (sizes.compressed + written.compressed, sizes.uncompressed + written.uncompressed)
            var width = 1
            while (1 << width) < count { width += 1 }
            pages = Self.split(rows, rowsPerPage: max(1, dataPageBytes * 8 / width), encoding: 8)
            dictionaryIndices = (indices, count)
        } else {
            bounds = PlainEncoder.bounds(column.values, rows: rows, valid: valid)
            let perRow = max(1, Self.plainBytes(column.values, rows: rows) / max(1, rows.count))
            pages = Self.split(rows, rowsPerPage: max(1, dataPageBytes / perRow), encoding: 0)
        }
        let dataOffset = Int64(file.count)
        var indexCursor = 0
        for page in pages {
            scratch.body.removeAll(keepingCapacity: true)
            Self.appendLevels(rows: page.rows, valid: valid, to: &scratch.body)
            if let (indices, count) = dictionaryIndices {
                let present = valid.map { flags in page.rows.reduce(0) { $0 + (flags[$1] ? 1 : 0) } } ?? page.rows.count
                DictionaryEncoder.encodeIndices(
                    indices[indexCursor..<indexCursor + present], dictionaryCount: count, to: &scratch.body)
                indexCursor += present
            } else {
                PlainEncoder.append(column.values, rows: page.rows, valid: valid, to: &scratch.body)
            }
            let written = writePage(&scratch, type: 0, into: &file) { header in
                header.structure(5) { header in
                    header.i32(1, Int32(page.rows.count))
                    header.i32(2, page.encoding)
                    header.i32(3, 3)
                    header.i32(4, 3)
                }
            }
            sizes = (sizes.compressed + written.compressed, sizes.uncompressed + written.uncompressed)
        }
        return ChunkRecord(
            offset: offset, dictionaryOffset: dictionaryOffset, dataOffset: dataOffset,
            compressedSize: Int64(sizes.compressed), uncompressedSize: Int64(sizes.uncompressed),
            valueCount: Int64(rows.count), nullCount: Int64(nulls), minimum: bounds?.minimum, maximum: bounds?.maximum
        )
    }

    /// The rows in pages of at most `rowsPerPage` (one empty page for no rows).
    private static func split(_ rows: Range<Int>, rowsPerPage: Int, encoding: Int32) -> [(
        rows: Range<Int>, encoding: Int32
    )] {
        guard !rows.isEmpty else { return [(rows, encoding)] }
        return stride(from: rows.lowerBound, to: rows.upperBound, by: rowsPerPage).map {
            ($0..<min(rows.upperBound, $0 + rowsPerPage), encoding)
        }
    }

    /// The PLAIN size of the rows' values (nulls counted too: an estimate for page sizes).
    private static func plainBytes(_ values: ColumnValues, rows: Range<Int>) -> Int {
        switch values {
        case .booleans: rows.count / 8 + 1
        case .int32s, .floats: 4 * rows.count
        case .int64s, .doubles: 8 * rows.count
        case .int96s: 12 * rows.count
        case .byteArrays(let offsets, _):
            4 * rows.count + (rows.isEmpty ? 0 : offsets[rows.upperBound] - offsets[rows.lowerBound])
        case .fixed(let width, _): width * rows.count
        }
    }

    /// Definition levels behind their byte length (RLE/bit-packed hybrid, bit width 1): one RLE run of 1s when
    /// every row is present, else one bit-packed run (1 for a value, 0 for a null).
    private static func appendLevels(rows: Range<Int>, valid: [Bool]?, to out: inout [UInt8]) {
        let lengthAt = out.count
        out += [0, 0, 0, 0]
        func varint(_ value: UInt64) {
            var value = value
            while value >= 0x80 {
                out.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            out.append(UInt8(value))
        }
        if rows.isEmpty {
            varint(1)  // a bit-packed run of no groups
        } else if let valid, !rows.allSatisfy({ valid[$0] }) {
            let groups = (rows.count + 7) / 8
            varint(UInt64(groups) << 1 | 1)
            var packed: UInt8 = 0
            for (offset, row) in rows.enumerated() {
                if valid[row] { packed |= 1 << UInt8(offset % 8) }
                if offset % 8 == 7 {
                    out.append(packed)
                    packed = 0
                }
            }
            if rows.count % 8 != 0 { out.append(packed) }
        } else {
            varint(UInt64(rows.count) << 1)
            out.append(1)
        }
        let length = UInt32(out.count - lengthAt - 4)
        withUnsafeBytes(of: length.littleEndian) { bytes in
            for (index, byte) in bytes.enumerated() { out[lengthAt + index] = byte }
        }
    }

    /// A page's body and its compressed form, kept across pages so their buffers are reused.
    struct PageScratch {
        var body: [UInt8] = []
        var compressed: [UInt8] = []
    }

    /// Appends one page of `type` (0 data, 2 dictionary) whose body is `scratch.body`: its header, whose
    /// type-specific part `specific` writes, then the body compressed with `codec`. Gives the page's compressed
    /// and uncompressed size, and empties the body.
    private func writePage(
        _ scratch: inout PageScratch, type: Int32, into file: inout [UInt8], specific: (inout CompactWriter) -> Void
    ) -> (compressed: Int, uncompressed: Int) {
        let bodyCount = scratch.body.count
        if codec == .snappy {
            let bound = SnappyCompressor.maxCompressedLength(bodyCount)
            if scratch.compressed.count < bound { scratch.compressed = [UInt8](repeating: 0, count: bound) }
            let written = scratch.body.withUnsafeBufferPointer { body in
                scratch.compressed.withUnsafeMutableBufferPointer {
                    SnappyCompressor.compress(body, into: $0.baseAddress!)
                }
            }
            scratch.body.removeAll(keepingCapacity: true)
            scratch.body.append(contentsOf: scratch.compressed[..<written])
        }
        var page = CompactWriter()
        page.i32(1, type)
        page.i32(2, Int32(bodyCount))
        page.i32(3, Int32(scratch.body.count))
        specific(&page)
        let pageHeader = page.finish()
        file += pageHeader
        file += scratch.body
        let stored = scratch.body.count
        scratch.body.removeAll(keepingCapacity: true)
        return (pageHeader.count + stored, pageHeader.count + bodyCount)
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
