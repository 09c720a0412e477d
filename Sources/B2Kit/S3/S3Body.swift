import NIOCore

/// A request body S3Client can send again after a failure: bytes in memory or a range of a local file.
enum S3Body: Sendable {
    /// No body.
    case empty
    /// Bytes in memory, signed with their SHA-256.
    case bytes(ByteBuffer)
    /// A range of a local file, streamed from disk (re-read on retry) and sent as `UNSIGNED-PAYLOAD`.
    case file(path: String, range: Range<Int64>)

    var length: Int64 {
        switch self {
        case .empty: 0
        case .bytes(let buffer): Int64(buffer.readableBytes)
        case .file(_, let range): range.upperBound - range.lowerBound
        }
    }
}
