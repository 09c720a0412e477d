import B2Kit
import Foundation

/// The objects under a prefix of a bucket read through the S3-compatible API (ListObjectsV2, page by page), as sync
/// objects named relative to the prefix, in B2's order.
///
/// S3 listings carry no SHA-1 and no `src_last_modified_millis`: an object's time is its upload time
/// (`LastModified`). Folder markers (keys ending in `/`) are not objects.
public struct S3Listing: AsyncSequence, Sendable {
    /// An object under the prefix.
    public typealias Element = SyncObject

    let listing: S3ObjectListing
    let prefix: String

    /// Lists `prefix` (empty, or ending in `/`) of `bucket`.
    public init(client: S3Client, bucket: String, prefix: String) {
        listing = client.listObjects(bucket: bucket, prefix: prefix)
        self.prefix = prefix
    }

    /// Starts the listing.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: listing.makeAsyncIterator(), prefixLength: prefix.utf8.count)
    }

    /// Pages through the listing.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: S3ObjectListing.AsyncIterator
        let prefixLength: Int

        /// The next object.
        public mutating func next() async throws -> SyncObject? {
            while let entry = try await base.next() {
                guard !entry.isCommonPrefix, !entry.key.hasSuffix("/") else { continue }
                let name = String(decoding: entry.key.utf8.dropFirst(prefixLength), as: UTF8.self)
                let millis = entry.lastModified.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0
                return SyncObject(name: name, size: entry.size, modifiedMillis: millis)
            }
            return nil
        }
    }
}
