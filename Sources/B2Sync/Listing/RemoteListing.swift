import B2Kit

/// The files under a prefix of a bucket as sync objects, named relative to the prefix, in B2's order.
///
/// Only the latest visible version of each name is listed: hidden names and unfinished large files are absent,
/// as they are to a download.
public struct RemoteListing: AsyncSequence, Sendable {
    /// A file under the prefix.
    public typealias Element = SyncObject

    let listing: B2FileListing
    let prefix: String

    /// Lists `prefix` (empty, or ending in `/`) of `bucket`.
    public init(client: B2Client, bucket: B2Bucket, prefix: String) async throws {
        listing = try await client.listFiles(in: bucket, prefix: prefix)
        self.prefix = prefix
    }

    /// Starts the listing.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: listing.makeAsyncIterator(), prefixLength: prefix.utf8.count)
    }

    /// Pages through the listing.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: B2FileListing.AsyncIterator
        let prefixLength: Int

        /// The next file.
        public mutating func next() async throws -> SyncObject? {
            while let version = try await base.next() {
                guard version.action == "upload" else { continue }
                let name = String(decoding: version.fileName.utf8.dropFirst(prefixLength), as: UTF8.self)
                return SyncObject(remote: version, name: name)
            }
            return nil
        }
    }
}
