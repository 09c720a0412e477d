import B2Kit
import Foundation

/// The objects under a prefix of a bucket, listed through the S3-compatible API (ListObjectsV2), as sync objects
/// named relative to the prefix, in key order (the UTF-8 byte order B2 uses too).
///
/// S3 listings carry no SHA-1 and no `src_last_modified_millis`: each object's time is its Last-Modified (its
/// upload time, to the millisecond).
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
            while let object = try await base.next() {
                guard !object.isCommonPrefix else { continue }
                let name = String(decoding: object.key.utf8.dropFirst(prefixLength), as: UTF8.self)
                let modified = object.lastModified.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0
                return SyncObject(name: name, size: object.size, modifiedMillis: modified)
            }
            return nil
        }
    }
}
