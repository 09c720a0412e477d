extension B2Client {
    /// All buckets the key may list, sorted by name.
    public func listBuckets() async throws -> [B2Bucket] {
        let account = try await account()
        try await require("listBuckets", to: "list buckets")
        if let allowed = account.allowedBuckets {
            var buckets: [B2Bucket] = []
            for bucket in allowed {
                let reply: B2Wire.Buckets = try await call(
                    "b2_list_buckets", ["accountId": .string(account.accountId), "bucketId": .string(bucket.id)],
                    operation: "list bucket \(bucket.name ?? bucket.id)"
                )
                buckets += reply.buckets
            }
            return buckets.sorted { $0.bucketName < $1.bucketName }
        }
        let reply: B2Wire.Buckets = try await call(
            "b2_list_buckets", ["accountId": .string(account.accountId)], operation: "list buckets"
        )
        return reply.buckets
    }

    /// The bucket named `name`.
    /// - Throws: `B2Error` `.notFound` naming a bucket that differs only in case, or `.restricted` when the key is
    ///   limited to other buckets.
    public func bucket(named name: String) async throws -> B2Bucket {
        let account = try await account()
        let context = B2Error.Context(bucket: name)
        if let allowed = account.allowedBuckets, !allowed.contains(where: { $0.name == name }) {
            let names = allowed.map { $0.name ?? $0.id }.joined(separator: ", ")
            throw B2Error(
                .restricted,
                "This key is restricted to bucket \(names), so it cannot use bucket \(name): use a key for \(name)",
                context: context
            )
        }
        try await require("listBuckets", to: "look up bucket \(name)")
        let reply: B2Wire.Buckets = try await call(
            "b2_list_buckets", ["accountId": .string(account.accountId), "bucketName": .string(name)],
            operation: "look up bucket \(name)", context: context
        )
        if let bucket = reply.buckets.first { return bucket }
        var hint = ""
        if account.allowedBuckets == nil,
            let near = try? await listBuckets().first(where: { $0.bucketName.lowercased() == name.lowercased() })
        {
            hint = " (did you mean \(near.bucketName)? bucket names are case-sensitive here)"
        }
        throw B2Error(.notFound, "No bucket named \(name) in this account\(hint)", context: context)
    }

    /// Creates a bucket.
    /// - Parameters:
    ///   - name: 6 to 63 letters, digits and '-', globally unique.
    ///   - type: `allPrivate` (default) or `allPublic`.
    ///   - settings: Lifecycle rules, default encryption, Object Lock, CORS and replication to start with.
    @discardableResult
    public func createBucket(
        named name: String, type: String = "allPrivate", settings: B2BucketSettings = B2BucketSettings()
    ) async throws -> B2Bucket {
        let account = try await account()
        try await require("writeBuckets", to: "create bucket \(name)")
        var parameters = settings.parameters
        parameters["accountId"] = .string(account.accountId)
        parameters["bucketName"] = .string(name)
        parameters["bucketType"] = .string(type)
        return try await call(
            "b2_create_bucket", parameters, operation: "create bucket \(name)", context: .init(bucket: name))
    }

    /// Changes a bucket's type or settings; what `settings` leaves nil stays as it is.
    /// - Parameters:
    ///   - name: The bucket.
    ///   - type: `allPrivate` or `allPublic`, or nil to keep it.
    ///   - settings: What to change.
    /// - Returns: The bucket as it is now.
    @discardableResult
    public func updateBucket(named name: String, type: String? = nil, settings: B2BucketSettings) async throws
        -> B2Bucket
    {
        let bucket = try await bucket(named: name)
        try await require("writeBuckets", to: "update bucket \(name)")
        let account = try await account()
        var parameters = settings.parameters
        parameters["accountId"] = .string(account.accountId)
        parameters["bucketId"] = .string(bucket.bucketId)
        if let type { parameters["bucketType"] = .string(type) }
        return try await call(
            "b2_update_bucket", parameters, operation: "update bucket \(name)", context: .init(bucket: name))
    }

    /// Deletes an empty bucket.
    public func deleteBucket(named name: String) async throws {
        let bucket = try await bucket(named: name)
        try await require("deleteBuckets", to: "delete bucket \(name)")
        let account = try await account()
        let _: B2Bucket = try await call(
            "b2_delete_bucket", ["accountId": .string(account.accountId), "bucketId": .string(bucket.bucketId)],
            operation: "delete bucket \(name)", context: .init(bucket: name)
        )
    }
}
