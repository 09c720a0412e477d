import B2SigV4

/// The objects under a prefix (ListObjectsV2), fetched page by page as the sequence is iterated, following
/// continuation tokens; never the whole listing at once. With a delimiter, common prefixes come back as entries
/// whose ``S3Object/isCommonPrefix`` is true, merged with the objects in key order.
public struct S3ObjectListing: AsyncSequence, Sendable {
    /// An object or a common prefix.
    public typealias Element = S3Object

    let client: S3Client
    let bucket: String
    let prefix: String
    let delimiter: String?
    let pageSize: Int

    /// Iterates the listing.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let listing: S3ObjectListing
        var page: [S3Object] = []
        var index = 0
        var token: String?
        var finished = false

        /// The next entry, fetching the next page when this one is used up.
        public mutating func next() async throws -> S3Object? {
            while index >= page.count {
                if finished { return nil }
                try await fetch()
            }
            defer { index += 1 }
            return page[index]
        }

        private mutating func fetch() async throws {
            var query = [
                SigV4Request.QueryItem("list-type", "2"), SigV4Request.QueryItem("max-keys", String(listing.pageSize)),
                SigV4Request.QueryItem("prefix", listing.prefix),
            ]
            if let delimiter = listing.delimiter { query.append(SigV4Request.QueryItem("delimiter", delimiter)) }
            if let token { query.append(SigV4Request.QueryItem("continuation-token", token)) }
            let document = try await listing.client.callXML(
                S3Request("GET", bucket: listing.bucket, query: query),
                operation: "list s3://\(listing.bucket)/\(listing.prefix)",
                context: .init(bucket: listing.bucket, key: listing.prefix))
            let objects = document.all("Contents").map { entry in
                S3Object(
                    key: entry.text("Key") ?? "", size: entry.text("Size").flatMap { Int64($0) } ?? 0,
                    eTag: entry.text("ETag").map(S3Wire.unquote),
                    lastModified: entry.text("LastModified").flatMap(S3Wire.isoDate), isCommonPrefix: false)
            }
            let prefixes = document.all("CommonPrefixes").compactMap { $0.text("Prefix") }.map {
                S3Object(key: $0, size: 0, eTag: nil, lastModified: nil, isCommonPrefix: true)
            }
            page = (objects + prefixes).sorted { Array($0.key.utf8).lexicographicallyPrecedes($1.key.utf8) }
            index = 0
            let truncated = document.text("IsTruncated") == "true"
            token = document.text("NextContinuationToken")
            finished = !truncated || token == nil
        }
    }

    /// Starts iterating from the first page.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(listing: self) }
}

extension S3Client {
    /// The objects under `prefix` in key order (ListObjectsV2), as an async sequence that fetches page by page.
    ///
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - prefix: Only keys starting with this.
    ///   - delimiter: Usually `/`: keys with the delimiter after the prefix come back once, as a common prefix.
    ///   - pageSize: Keys per request (S3 caps it at 1000).
    /// - Returns: The listing; nothing is sent until it is iterated.
    public func listObjects(
        bucket: String, prefix: String = "", delimiter: String? = nil, pageSize: Int = 1000
    ) -> S3ObjectListing {
        S3ObjectListing(
            client: self, bucket: bucket, prefix: prefix, delimiter: delimiter, pageSize: max(1, min(pageSize, 1000)))
    }
}
