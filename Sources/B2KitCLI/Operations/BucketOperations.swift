import B2Kit

/// `b2kit mb` and `b2kit rb`.
public enum BucketOperations {
    /// Creates a bucket, with `settings` (lifecycle rules, default encryption, Object Lock, CORS, replication).
    public static func make(
        _ context: CommandContext, path: B2Path, isPublic: Bool, settings: B2BucketSettings = B2BucketSettings()
    ) async throws {
        if path.scheme == .s3 {
            guard settings.isEmpty else {
                throw B2Error(
                    .usage, "Bucket settings work on b2:// paths only: use b2://\(path.bucket), then s3:// as before")
            }
            return try await S3Operations.make(context, path: path, isPublic: isPublic)
        }
        try await ClientProvider.withClient(context) { client, _ in
            let bucket = try await client.createBucket(
                named: path.bucket, type: isPublic ? "allPublic" : "allPrivate", settings: settings)
            report(bucket, verb: "created", context: context)
        }
    }

    /// Changes a bucket's type or settings (`b2kit bucket update`).
    public static func update(
        _ context: CommandContext, path: B2Path, type: String?, settings: B2BucketSettings
    ) async throws {
        try requireNative(path, for: "bucket update")
        guard type != nil || !settings.isEmpty else {
            throw B2Error(
                .usage,
                "bucket update needs something to change: --public, --private, --lifecycle FILE, --default-sse, "
                    + "--file-lock, --cors FILE or --replication FILE")
        }
        try await ClientProvider.withClient(context) { client, _ in
            let bucket = try await client.updateBucket(named: path.bucket, type: type, settings: settings)
            report(bucket, verb: "updated", context: context)
        }
    }

    private static func report(_ bucket: B2Bucket, verb: String, context: CommandContext) {
        if context.json {
            var fields: [String: Any] = [
                "bucketId": bucket.bucketId, "bucketName": bucket.bucketName, "bucketType": bucket.bucketType,
            ]
            if let revision = bucket.revision { fields["revision"] = revision }
            if let lock = bucket.isFileLockEnabled { fields["fileLockEnabled"] = lock }
            if let mode = bucket.defaultEncryptionMode { fields["defaultServerSideEncryption"] = mode }
            if let rules = bucket.lifecycleRules {
                fields["lifecycleRules"] = rules.map { rule -> [String: Any] in
                    var members: [String: Any] = ["fileNamePrefix": rule.fileNamePrefix]
                    if let days = rule.daysFromUploadingToHiding { members["daysFromUploadingToHiding"] = days }
                    if let days = rule.daysFromHidingToDeleting { members["daysFromHidingToDeleting"] = days }
                    if let days = rule.daysFromStartingToCancelingUnfinishedLargeFiles {
                        members["daysFromStartingToCancelingUnfinishedLargeFiles"] = days
                    }
                    return members
                }
            }
            context.printJSON(fields)
            return
        }
        var notes: [String] = [bucket.bucketType, "id \(bucket.bucketId)"]
        if bucket.isFileLockEnabled == true { notes.append("Object Lock on") }
        if let mode = bucket.defaultEncryptionMode, mode != "none" { notes.append("default encryption \(mode)") }
        if let rules = bucket.lifecycleRules, !rules.isEmpty {
            notes.append("\(rules.count) lifecycle rule\(rules.count == 1 ? "" : "s")")
        }
        context.say("\(verb) b2://\(bucket.bucketName) (\(notes.joined(separator: ", ")))")
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
