/// A Parquet file held in memory or mapped from disk: its footer parsed, its bytes ready for the column readers.
public struct ParquetFile: Sendable {
    let storage: ParquetBytes
    /// The footer.
    public let metadata: FileMetaData

    private static let magic: [UInt8] = Array("PAR1".utf8)
    private static let encryptedMagic: [UInt8] = Array("PARE".utf8)

    /// Opens a file held in memory.
    /// - Throws: `ParquetError` for a file that is not Parquet, is truncated, or is encrypted.
    public init(bytes: [UInt8]) throws {
        try self.init(storage: ParquetBytes(bytes))
    }

    /// Opens a file on disk by mapping it into memory, so reading it costs no copy of its bytes.
    /// - Throws: `ParquetError` `.unreadable` when it cannot be opened or mapped, and as `init(bytes:)` does.
    public init(mappingFileAt path: String) throws {
        try self.init(storage: ParquetBytes(mappingFileAt: path))
    }

    private init(storage: ParquetBytes) throws {
        self.storage = storage
        metadata = try storage.withBytes { bytes in
            guard bytes.count >= 12 else { throw ParquetError.corrupt("The file is too short to be Parquet") }
            let tail = Array(bytes[(bytes.count - 4)...])
            if tail == Self.encryptedMagic {
                throw ParquetError.unsupported("The Parquet file is encrypted: encrypted files are not supported")
            }
            guard Array(bytes[..<4]) == Self.magic, tail == Self.magic else {
                throw ParquetError.corrupt("Not a Parquet file: it does not start and end with PAR1")
            }
            let end = bytes.count - 8
            let length =
                Int(bytes[end]) | Int(bytes[end + 1]) << 8 | Int(bytes[end + 2]) << 16 | Int(bytes[end + 3]) << 24
            guard length > 0, length <= end - 4 else {
                throw ParquetError.corrupt("The Parquet footer length \(length) does not fit the file")
            }
            return try FileMetaData.decode(Array(bytes[(end - length)..<end]))
        }
    }

    /// The file's size in bytes.
    public var byteCount: Int { storage.count }

    /// Calls `body` with the file's bytes, valid only inside it.
    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try storage.withBytes(body)
    }
}
