import B2Kit

/// `b2kit mb` and `b2kit rb`.
public enum BucketOperations {
    /// Creates a bucket.
    public static func make(_ context: CommandContext, path: B2Path, isPublic: Bool) async throws {
        if path.scheme == .s3 { return try await S3Operations.make(context, path: path, isPublic: isPublic) }
        try await ClientProvider.withClient(context) { client, _ in
            let bucket = try await client.createBucket(named: path.bucket, type: isPublic ? "allPublic" : "allPrivate")
            if context.json {
                context.printJSON([
                    "bucketId": bucket.bucketId, "bucketName": bucket.bucketName, "bucketType": bucket.bucketType,
                ])
            } else {
                context.say(
                    "created \(path.scheme.rawValue)://\(bucket.bucketName) (\(bucket.bucketType), id \(bucket.bucketId))"
                )
            }
        }
    }

    /// Deletes an empty bucket.
    public static func remove(_ context: CommandContext, path: B2Path) async throws {
        if path.scheme == .s3 { return try await S3Operations.remove(context, path: path) }
        try await ClientProvider.withClient(context) { client, _ in
            do {
                try await client.deleteBucket(named: path.bucket)
            } catch var error as B2Error where error.context.b2Code == "cannot_delete_non_empty_bucket" {
                error.message =
                    "Bucket \(path.bucket) is not empty: delete its files first "
                    + "(b2kit rm --recursive --versions b2://\(path.bucket)/)"
                throw error
            }
            if context.json { context.printJSON(["deleted": "b2://\(path.bucket)"]) }
            context.say("deleted b2://\(path.bucket)")
        }
    }

    static func requireNative(_ path: B2Path, for command: String) throws {
        guard path.scheme == .b2 else {
            throw B2Error(.usage, "\(command) works on b2:// paths only: use b2://\(path.bucket)/\(path.key)")
        }
    }
}
