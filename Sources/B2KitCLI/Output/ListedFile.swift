/// One line of `ls --json`, for `b2://` and `s3://` alike: a file version or a folder.
struct ListedFile: Encodable, Sendable {
    /// `upload`, `hide`, `start` or `folder`.
    var action: String
    /// The name, or the folder's prefix.
    var fileName: String
    /// The size in bytes.
    var size: Int64
    /// Milliseconds since 1970 of the upload (S3: of the last change).
    var uploadTimestamp: Int64
    /// The B2 file id.
    var fileId: String?
    /// The SHA-1 B2 holds.
    var contentSha1: String?
    /// The content type B2 holds.
    var contentType: String?
    /// The S3 ETag.
    var eTag: String?
    /// `SSE-B2` or `SSE-C` when the version is encrypted.
    var encryption: String? = nil
    /// The version's Object Lock retention.
    var retention: Retention? = nil
    /// `on` or `off` when a legal hold was set.
    var legalHold: String? = nil

    /// A retention as B2 writes it.
    struct Retention: Encodable, Sendable {
        var mode: String
        var retainUntilTimestamp: Int64
    }
}
