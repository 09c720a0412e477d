import NIOCore

/// What to upload: a local file (streamed from disk, re-read on retry) or bytes in memory.
public enum UploadSource: Sendable {
    /// A local file by path.
    case file(String)
    /// Bytes in memory.
    case bytes(ByteBuffer)

    /// The size in bytes and, for files, the modification time in milliseconds.
    func describe() throws -> (size: Int64, modified: Int64?) {
        switch self {
        case .bytes(let buffer):
            return (Int64(buffer.readableBytes), nil)
        case .file(let path):
            let file = try LocalFile(checking: path)
            return (file.size, file.modifiedMillis)
        }
    }
}
