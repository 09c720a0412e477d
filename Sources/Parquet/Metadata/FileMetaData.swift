/// A column chunk's metadata: where its pages are, how they are compressed, and its statistics' counts.
public struct ColumnChunkMetaData: Sendable, Hashable {
    /// The physical type.
    public var type: PhysicalType
    /// The column's path (one name for a flat schema).
    public var path: [String]
    /// The pages' compression.
    public var codec: CompressionCodec
    /// Values in the chunk, nulls included.
    public var valueCount: Int64
    /// Bytes of the chunk as stored.
    public var compressedSize: Int64
    /// Bytes of the chunk uncompressed.
    public var uncompressedSize: Int64
    /// Where the first data page starts.
    public var dataPageOffset: Int64
    /// Where the dictionary page starts, if there is one.
    public var dictionaryPageOffset: Int64?
    /// Nulls in the chunk, when the statistics say.
    public var nullCount: Int64?

    static func read(_ reader: inout CompactReader) throws -> ColumnChunkMetaData {
        var meta = ColumnChunkMetaData(
            type: .int32, path: [], codec: .uncompressed, valueCount: 0, compressedSize: 0, uncompressedSize: 0,
            dataPageOffset: 0
        )
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .i32):
                let raw = try reader.readI32()
                guard let physical = PhysicalType(rawValue: raw) else {
                    throw ParquetError.corrupt("Unknown physical type \(raw) in a column chunk")
                }
                meta.type = physical
            case (3, .list): meta.path = try reader.readList { reader, _ in try reader.readString() }
            case (4, .i32):
                let raw = try reader.readI32()
                guard let codec = CompressionCodec(rawValue: raw) else {
                    throw ParquetError.unsupported("Unknown compression codec \(raw)")
                }
                meta.codec = codec
            case (5, .i64): meta.valueCount = try reader.readI64()
            case (6, .i64): meta.uncompressedSize = try reader.readI64()
            case (7, .i64): meta.compressedSize = try reader.readI64()
            case (9, .i64): meta.dataPageOffset = try reader.readI64()
            case (11, .i64): meta.dictionaryPageOffset = try reader.readI64()
            case (12, .structure):
                try reader.readStruct { reader, id, type in
                    guard id == 3, type == .i64 else { return false }
                    meta.nullCount = try reader.readI64()
                    return true
                }
            default: return false
            }
            return true
        }
        return meta
    }
}

/// A row group: a horizontal slice of the file, one chunk per column.
public struct RowGroup: Sendable, Hashable {
    /// The chunks, in schema order.
    public var columns: [ColumnChunkMetaData]
    /// Rows in the group.
    public var rowCount: Int64

    static func read(_ reader: inout CompactReader) throws -> RowGroup {
        var group = RowGroup(columns: [], rowCount: 0)
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .list):
                group.columns = try reader.readList { reader, _ in
                    var meta: ColumnChunkMetaData?
                    try reader.readStruct { reader, id, type in
                        guard id == 3, type == .structure else { return false }
                        meta = try ColumnChunkMetaData.read(&reader)
                        return true
                    }
                    guard let meta else {
                        throw ParquetError.unsupported(
                            "A column chunk keeps its metadata elsewhere (encrypted or external): not supported"
                        )
                    }
                    return meta
                }
            case (3, .i64): group.rowCount = try reader.readI64()
            default: return false
            }
            return true
        }
        return group
    }
}

/// A Parquet file's footer: its schema, row groups and key-value metadata.
public struct FileMetaData: Sendable, Hashable {
    /// The format version.
    public var version: Int32
    /// The schema, depth-first, the root first.
    public var schema: [SchemaElement]
    /// Rows in the file.
    public var rowCount: Int64
    /// The row groups.
    public var rowGroups: [RowGroup]
    /// Application metadata (pandas and Arrow keep their schemas here).
    public var keyValueMetadata: [String: String]
    /// The writer, e.g. `parquet-cpp-arrow version 17.0.0`.
    public var createdBy: String?

    /// Decodes a footer.
    public static func decode(_ bytes: [UInt8]) throws -> FileMetaData {
        var reader = CompactReader(bytes)
        var meta = FileMetaData(version: 0, schema: [], rowCount: 0, rowGroups: [], keyValueMetadata: [:])
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .i32): meta.version = try reader.readI32()
            case (2, .list): meta.schema = try reader.readList { reader, _ in try SchemaElement.read(&reader) }
            case (3, .i64): meta.rowCount = try reader.readI64()
            case (4, .list): meta.rowGroups = try reader.readList { reader, _ in try RowGroup.read(&reader) }
            case (5, .list):
                let pairs = try reader.readList { reader, _ -> (String, String) in
                    var key = ""
                    var value = ""
                    try reader.readStruct { reader, id, type in
                        switch (id, type) {
                        case (1, .binary): key = try reader.readString()
                        case (2, .binary): value = try reader.readString()
                        default: return false
                        }
                        return true
                    }
                    return (key, value)
                }
                meta.keyValueMetadata = Dictionary(pairs, uniquingKeysWith: { _, last in last })
            case (6, .binary): meta.createdBy = try reader.readString()
            default: return false
            }
            return true
        }
        guard !meta.schema.isEmpty else { throw ParquetError.corrupt("The Parquet footer has no schema") }
        return meta
    }

    /// The leaf columns of a flat schema.
    /// - Throws: `ParquetError.unsupported` for nested schemas (groups below the root, repeated fields).
    public func flatColumns() throws -> [SchemaElement] {
        let leaves = schema.dropFirst()
        if let nested = leaves.first(where: { $0.childCount != nil || $0.repetition == .repeated }) {
            throw ParquetError.unsupported(
                "Column '\(nested.name)' is nested (a list, map or struct): only flat tables are supported"
            )
        }
        return Array(leaves)
    }
}
