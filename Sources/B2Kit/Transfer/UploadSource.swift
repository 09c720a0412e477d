import Foundation
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
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw B2Error(.localFile, "No such file: \(path)")
            }
            guard !isDirectory.boolValue else {
                throw B2Error(.localFile, "\(path) is a directory: give a file (use sync for trees)")
            }
            guard FileManager.default.isReadableFile(atPath: path),
                let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let size = attributes[.size] as? NSNumber
            else {
                throw B2Error(.localFile, "Cannot read \(path): check its permissions")
            }
            let modified = (attributes[.modificationDate] as? Date).map { Int64($0.timeIntervalSince1970 * 1000) }
            return (size.int64Value, modified)
        }
    }
}
