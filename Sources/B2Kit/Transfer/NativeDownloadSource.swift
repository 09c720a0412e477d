import NIOCore

/// A file read through B2's native API: a HEAD for its facts, and `B2Client.download`, which checks a whole file
/// against its SHA-1 as it streams.
struct NativeDownloadSource: DownloadSource {
    let client: B2Client
    let bucketName: String
    let name: String
    /// The SSE-C key the file needs, if it has one.
    var encryption: B2Encryption? = nil

    var address: String { "b2://\(bucketName)/\(name)" }
    var context: B2Error.Context { B2Error.Context(bucket: bucketName, key: name) }

    func makeWholeReadHasher() -> ObjectDigest.Hasher? { nil }

    func facts() async throws -> DownloadFacts {
        let response = try await client.openDownload(
            bucketName: bucketName, name: name, range: nil, operation: "look up \(address)", context: context,
            method: .HEAD, encryption: encryption)
        let (sha1, modified) = B2Client.integrityHeaders(response.headers)
        let length = response.headers.first(name: "Content-Length").flatMap { Int64($0) } ?? 0
        return DownloadFacts(length: length, digest: sha1.map(ObjectDigest.sha1), modifiedMillis: modified)
    }

    func read(
        range: ClosedRange<Int64>?, expectedSize: Int64?, into sink: (ByteBuffer) async throws -> Void
    ) async throws -> DownloadFacts {
        let result = try await client.download(
            bucketName: bucketName, name: name, range: range, expectedSize: expectedSize, encryption: encryption,
            into: sink)
        return DownloadFacts(
            length: result.length, digest: result.sha1.map(ObjectDigest.sha1), modifiedMillis: result.modifiedMillis)
    }
}
