import B2Kit

/// One side of a sync: a prefix of a bucket, or a local folder.
public enum SyncEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A bucket and a prefix: everything under it, recursively.
    case bucket(B2Path)
    /// A local folder.
    case folder(String)

    /// Reads a sync argument: `b2://bucket/prefix` (the native API) or `s3://bucket/prefix` (the S3-compatible API of the same account) for a bucket, anything else for a local folder.
    /// - Parameter requireScheme: true on the command line; false in configuration files, where `bucket/prefix`
    ///   and `bucket` also name a bucket.
    /// - Throws: `B2Error` `.usage` for malformed paths or `-`.
    public static func parse(_ text: String, requireScheme: Bool = true) throws -> SyncEndpoint {
        if !requireScheme {
            return .bucket(try B2Path.parse(text, requireScheme: false))
        }
        switch try Location.parse(text) {
        case .remote(let path): return .bucket(path)
        case .local(let path): return .folder(path)
        case .standardStream:
            throw B2Error(
                .usage, "sync works on folders and buckets, not '-': give a local folder or b2://BUCKET/PREFIX")
        }
    }

    /// The prefix a bucket side lists: the path's key as a folder (ending in `/`), or empty for the whole bucket.
    var folderPrefix: String {
        guard case .bucket(let path) = self, !path.key.isEmpty else { return "" }
        return path.key.hasSuffix("/") ? path.key : path.key + "/"
    }

    /// The API a bucket side goes through (nil for a folder).
    var scheme: B2Path.Scheme? {
        guard case .bucket(let path) = self else { return nil }
        return path.scheme
    }

    /// True for a bucket read through the S3-compatible API, whose listings carry upload times, not the files'
    /// modification times, and no SHA-1.
    var holdsUploadTimes: Bool { scheme == .s3 }

    /// The side as written.
    public var description: String {
        switch self {
        case .bucket(let path): path.description
        case .folder(let path): path
        }
    }
}
