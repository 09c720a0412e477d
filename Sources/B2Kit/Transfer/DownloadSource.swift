import NIOCore

/// Where a download to a file (`FileDownload`) reads an object: B2's native API (`NativeDownloadSource`) or its S3 API
/// (`S3DownloadSource`).
protocol DownloadSource: Sendable {
    /// The object, for messages: `b2://bucket/name` or `s3://bucket/key`.
    var address: String { get }
    /// The bucket and name, for errors.
    var context: B2Error.Context { get }
    /// A hasher for the bytes of a whole read (`read(range: nil, ...)`), of the kind of digest the answer may hold;
    /// nil when the read checks its bytes itself, as the native API's pipelined SHA-1 does.
    func makeWholeReadHasher() -> ObjectDigest.Hasher?

    /// The object's size, digest and time, without its bytes (a HEAD request).
    func facts() async throws -> DownloadFacts

    /// Streams `range` (the whole object when nil) to `sink`, resuming after dropped connections.
    /// - Parameter expectedSize: the object's size when the caller knows it, to choose how the body is read.
    /// - Returns: what the answer said of the object.
    func read(
        range: ClosedRange<Int64>?, expectedSize: Int64?, into sink: (ByteBuffer) async throws -> Void
    ) async throws -> DownloadFacts
}

/// What a store says of an object a download reads.
struct DownloadFacts: Sendable, Equatable {
    /// The whole object's size in bytes.
    var length: Int64
    /// The digest of the whole object, when the store has one to check against.
    var digest: ObjectDigest?
    /// The object's modification time in milliseconds since 1970, when known.
    var modifiedMillis: Int64?
}
