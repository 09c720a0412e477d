import B2JSON

/// The files under a prefix, fetched page by page as the sequence is iterated (never the whole listing at once).
public struct B2FileListing: AsyncSequence, Sendable {
    /// A file version or folder entry.
    public typealias Element = B2FileVersion

    let client: B2Client
    let bucketId: String
    let bucketName: String
    let prefix: String
    let delimiter: String?
    let versions: Bool
    let pageSize: Int

    /// Iterates the listing.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let listing: B2FileListing
        var page: [B2FileVersion] = []
        var index = 0
        var nextName: String?
        var nextId: String?
        var finished = false

        /// The next entry, fetching the next page when this one is used up.
        public mutating func next() async throws -> B2FileVersion? {
            while index >= page.count {
                if finished { return nil }
                try await fetch()
            }
            defer { index += 1 }
            return page[index]
        }

        private mutating func fetch() async throws {
            var parameters: [String: JSONValue] = [
                "bucketId": .string(listing.bucketId), "prefix": .string(listing.prefix),
                "maxFileCount": .int(Int64(listing.pageSize)),
            ]
            if let delimiter = listing.delimiter { parameters["delimiter"] = .string(delimiter) }
            if let nextName { parameters["startFileName"] = .string(nextName) }
            let operation = "list files in b2://\(listing.bucketName)/\(listing.prefix)"
            let context = B2Error.Context(bucket: listing.bucketName, key: listing.prefix)
            if listing.versions {
                if let nextId { parameters["startFileId"] = .string(nextId) }
                let reply: B2Wire.FileVersions = try await listing.client.call(
                    "b2_list_file_versions", parameters, operation: operation, context: context
                )
                page = reply.files
                nextName = reply.nextFileName
                nextId = reply.nextFileId
            } else {
                let reply: B2Wire.FileNames = try await listing.client.call(
                    "b2_list_file_names", parameters, operation: operation, context: context
                )
                page = reply.files
                nextName = reply.nextFileName
            }
            index = 0
            finished = nextName == nil
        }
    }

    /// Starts iterating from the first page.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(listing: self) }
}

extension B2Client {
    /// The latest version of each file under `prefix` (or, with `versions`, every version), in B2's order.
    ///
    /// With a `delimiter` (usually `/`), names below the next delimiter come back as one `folder` entry.
    public func listFiles(
        in bucket: B2Bucket,
        prefix: String = "",
        delimiter: String? = nil,
        versions: Bool = false,
        pageSize: Int = 1000
    ) async throws -> B2FileListing {
        let account = try await account()
        try await require("listFiles", to: "list files in b2://\(bucket.bucketName)/\(prefix)")
        if let namePrefix = account.namePrefix, !prefix.hasPrefix(namePrefix) {
            throw B2Error(
                .restricted,
                "This key may only list names starting with \"\(namePrefix)\", so it cannot list "
                    + "b2://\(bucket.bucketName)/\(prefix): list b2://\(bucket.bucketName)/\(namePrefix) instead",
                context: .init(bucket: bucket.bucketName, key: prefix)
            )
        }
        return B2FileListing(
            client: self, bucketId: bucket.bucketId, bucketName: bucket.bucketName, prefix: prefix,
            delimiter: delimiter, versions: versions, pageSize: pageSize
        )
    }
}
