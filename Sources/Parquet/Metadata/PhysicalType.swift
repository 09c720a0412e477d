/// How a column's values are stored on disk.
public enum PhysicalType: Int32, Sendable, Hashable {
    /// One bit per value.
    case boolean = 0
    /// 32-bit integers.
    case int32 = 1
    /// 64-bit integers.
    case int64 = 2
    /// 96-bit values (legacy timestamps).
    case int96 = 3
    /// 32-bit floats.
    case float = 4
    /// 64-bit floats.
    case double = 5
    /// Variable-length bytes.
    case byteArray = 6
    /// Fixed-length bytes.
    case fixedLenByteArray = 7
}

/// The compression of a column chunk's pages.
public enum CompressionCodec: Int32, Sendable, Hashable {
    /// None.
    case uncompressed = 0
    /// Snappy.
    case snappy = 1
    /// Gzip (zlib deflate with a gzip wrapper).
    case gzip = 2
    /// LZO.
    case lzo = 3
    /// Brotli.
    case brotli = 4
    /// Hadoop's framing of LZ4 (deprecated).
    case lz4 = 5
    /// Zstandard.
    case zstd = 6
    /// Raw LZ4 blocks.
    case lz4Raw = 7
}

/// Whether a field may be null or repeat.
public enum Repetition: Int32, Sendable, Hashable {
    /// Exactly one value.
    case required = 0
    /// Zero or one value.
    case optional = 1
    /// Zero or more values (a nested list).
    case repeated = 2
}
