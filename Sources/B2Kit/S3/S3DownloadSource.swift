import NIOCore

/// An object read through the S3 API: HeadObject for its facts and `S3Client.getObject` for its bytes. The digest is
/// the MD5 of a single-part ETag (a multipart ETag is none); the time is the one the caller listed, else
/// Last-Modified.
struct S3DownloadSource: DownloadSource {
    let client: S3Client
    let bucket: String
    let key: String
    /// The time to give the file, from a listing; the answer's Last-Modified when nil.
    let modifiedMillis: Int64?

    var address: String { "s3://\(bucket)/\(key)" }
    var context: B2Error.Context { B2Error.Context(bucket: bucket, key: key) }

    /// An MD5: the ETag of a single-part object is its MD5.
    func makeWholeReadHasher() -> ObjectDigest.Hasher? { ObjectDigest.md5("").makeHasher() }

    func facts() async throws -> DownloadFacts {
        guard let head = try await client.headObject(bucket: bucket, key: key) else {
            throw B2Error(.notFound, "No object named \(key) in bucket \(bucket)", context: context)
        }
        return facts(of: head)
    }

    func read(
        range: ClosedRange<Int64>?, expectedSize: Int64?, into sink: (ByteBuffer) async throws -> Void
    ) async throws -> DownloadFacts {
        facts(of: try await client.getObject(bucket: bucket, key: key, range: range, into: sink))
    }

    private func facts(of head: S3ObjectHead) -> DownloadFacts {
        let listed = head.lastModified.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
        return DownloadFacts(
            length: head.contentLength, digest: .s3(eTag: head.eTag), modifiedMillis: modifiedMillis ?? listed)
    }
}
