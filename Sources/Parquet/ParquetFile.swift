/// A Parquet file held in memory: its footer parsed, its bytes ready for the column readers.
public struct ParquetFile: Sendable {
    /// The bytes.
    public let bytes: [UInt8]
    /// The footer.
    public let metadata: FileMetaData

    private static let magic: [UInt8] = Array("PAR1".utf8)
    private static let encryptedMagic: [UInt8] = Array("PARE".utf8)

    /// Opens a file.
    /// - Throws: `ParquetError` for a file that is not Parquet, is truncated, or is encrypted.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 12 else { throw ParquetError.corrupt("The file is too short to be Parquet") }
        let tail = Array(bytes.suffix(4))
        if tail == Self.encryptedMagic {
            throw ParquetError.unsupported("The Parquet file is encrypted: encrypted files are not supported")
        }
        guard Array(bytes.prefix(4)) == Self.magic, tail == Self.magic else {
            throw ParquetError.corrupt("Not a Parquet file: it does not start and end with PAR1")
        }
        let end = bytes.count - 8
        let length = Int(bytes[end]) | Int(bytes[end + 1]) << 8 | Int(bytes[end + 2]) << 16 | Int(bytes[end + 3]) << 24
        guard length > 0, length <= end - 4 else {
            throw ParquetError.corrupt("The Parquet footer length \(length) does not fit the file")
        }
        self.bytes = bytes
        metadata = try FileMetaData.decode(Array(bytes[(end - length)..<end]))
    }
}
