#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A local file to upload, checked before any request, so that a path that is missing, cannot be read or is not a
/// file fails at once with what to fix.
public struct LocalFile: Sendable, Equatable {
    /// The path as given.
    public let path: String
    /// The size in bytes.
    public let size: Int64
    /// The modification time, in milliseconds since 1970.
    public let modifiedMillis: Int64

    /// Checks that `path` is a regular file this process may read.
    /// - Throws: `B2Error` with code `.localFile` when the path does not exist or cannot be read (saying which:
    ///   the file's own permissions, or a folder above it that may not be entered), `.usage` when it is a directory
    ///   or not a regular file.
    public init(checking path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = errno
            switch error {
            case ENOENT, ENOTDIR:
                throw B2Error(.localFile, "No such file: \(path)")
            case EACCES:
                throw B2Error(
                    .localFile,
                    "Cannot read \(path): a folder above it may not be entered (check the folders' permissions)"
                )
            default:
                throw B2Error(.localFile, "Cannot read \(path) (errno \(error))")
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            break
        case S_IFDIR:
            throw B2Error(.usage, "\(path) is a directory: give a file (b2kit sync copies trees)")
        default:
            throw B2Error(.usage, "\(path) is not a regular file (a pipe, socket or device): give a file")
        }
        guard access(path, R_OK) == 0 else {
            throw B2Error(.localFile, "Cannot read \(path): check its permissions (ls -l shows them)")
        }
        self.path = path
        size = Int64(info.st_size)
        modifiedMillis = Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
    }
}
