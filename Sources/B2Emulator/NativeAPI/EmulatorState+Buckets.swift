import B2JSON
import GRDB

extension EmulatorState {
    static let maximumBuckets = 100

    /// `b2_list_buckets`.
    func listBuckets(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("listBuckets")
        let bucketId = try call.parameters.optionalString("bucketId")
        let bucketName = try call.parameters.optionalString("bucketName")
        let types = try call.parameters.optionalStringArray("bucketTypes") ?? ["all"]
        if principal.isBucketRestricted, bucketId == nil, bucketName == nil, call.version > 1 {
            throw B2APIError.unauthorized(
                "This key is restricted to buckets \(principal.bucketIds!.joined(separator: ", ")): "
                    + "pass bucketId or bucketName to b2_list_buckets"
            )
        }
        let (rows, settings) = try await database.writer.read { db in
            var request = BucketRecord.order(BucketRecord.Columns.bucketName)
            if let bucketId { request = request.filter(BucketRecord.Columns.bucketId == bucketId) }
            if let bucketName {
                request = request.filter(sql: "bucketName = ? COLLATE BINARY", arguments: [bucketName])
            }
            return (try request.fetchAll(db), try BucketSettings.loadAll(db))
        }
        let visible = rows.filter { bucket in
            (types.contains("all") || types.contains(bucket.bucketType))
                && (principal.bucketIds?.contains(bucket.bucketId) ?? true)
        }
        if let only = bucketId ?? bucketName, visible.isEmpty, principal.isBucketRestricted,
            let match = rows.first, match.bucketId == only || match.bucketName == only
        {
            try principal.requireBucket(match.bucketId)
        }
        return [
            "buckets": .array(
                visible.map {
                    Rendering.bucket(
                        $0, settings: settings[$0.bucketId] ?? .init(), accountId: accountId, principal: principal)
                })
        ]
    }

    /// `b2_create_bucket`.
    func createBucket(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("writeBuckets")
        if principal.isBucketRestricted {
            throw B2APIError.unauthorized("A key restricted to buckets cannot create buckets: use an unrestricted key")
        }
        let name = try call.parameters.string("bucketName")
        try NameRules.checkBucketName(name)
        let type = try call.parameters.string("bucketType")
        try Self.checkBucketType(type)
        let bucket = BucketRecord(
            bucketId: Identifiers.bucketId(),
            bucketName: name,
            bucketType: type,
            bucketInfo: try Self.objectText(call.parameters, "bucketInfo") ?? "{}",
            corsRules: try Self.corsText(call.parameters) ?? "[]",
            lifecycleRules: try Self.lifecycleText(call.parameters) ?? "[]",
            revision: 1,
            createdAt: clock.nowMillis()
        )
        var settings = BucketSettings()
        if try call.parameters.optionalBool("fileLockEnabled") == true {
            try principal.require("writeBucketRetentions")
            var lock = BucketLockRecord(bucketId: bucket.bucketId)
            if let retention = try call.parameters.optionalRaw("defaultRetention").flatMap(ObjectLock.defaultRetention)
            {
                lock.defaultMode = retention.mode
                lock.defaultDuration = retention.period.duration
                lock.defaultUnit = retention.period.unit
            }
            settings.lock = lock
        }
        if let value = call.parameters.optionalRaw("defaultServerSideEncryption") {
            try principal.require("writeBucketEncryption")
            settings.encryption = try Encryption.bucketDefault(value).map {
                BucketEncryptionRecord(bucketId: bucket.bucketId, mode: $0)
            }
        }
        if let value = call.parameters.optionalRaw("replicationConfiguration") {
            try principal.require("writeBucketReplications")
            settings.replication = try await database.writer.read { db in
                try Replication.configuration(value, bucketId: bucket.bucketId, db: db)
            }
        }
        try await insertBucket(bucket, settings: settings)
        return Rendering.bucket(bucket, settings: settings, accountId: accountId, principal: principal)
    }

    /// Adds a bucket, refusing a name in use (in any case) and more than ``maximumBuckets``.
    func insertBucket(_ bucket: BucketRecord, settings: BucketSettings = .init()) async throws {
        let name = bucket.bucketName
        try await database.write { db in
            if try BucketRecord.filter(sql: "bucketName = ?", arguments: [name]).fetchCount(db) > 0 {
                throw B2APIError(.badRequest, "duplicate_bucket_name", "Bucket name is already in use.")
            }
            guard try BucketRecord.fetchCount(db) < Self.maximumBuckets else {
                throw B2APIError(
                    .badRequest, "too_many_buckets", "Account already has \(Self.maximumBuckets) buckets: delete one"
                )
            }
            try bucket.insert(db)
            try settings.lock?.insert(db)
            try settings.encryption?.insert(db)
            try settings.replication?.insert(db)
        }
    }

    /// `b2_update_bucket`.
    func updateBucket(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("writeBuckets")
        let bucketId = try call.parameters.string("bucketId")
        try principal.requireBucket(bucketId)
        let type = try call.parameters.optionalString("bucketType")
        if let type { try Self.checkBucketType(type) }
        let info = try Self.objectText(call.parameters, "bucketInfo")
        let cors = try Self.corsText(call.parameters)
        let lifecycle = try Self.lifecycleText(call.parameters)
        let ifRevisionIs = try call.parameters.optionalInt("ifRevisionIs")
        let enableLock = try call.parameters.optionalBool("fileLockEnabled")
        let defaultRetention = try call.parameters.optionalRaw("defaultRetention").map {
            try ObjectLock.defaultRetention($0)
        }
        if enableLock == true || defaultRetention != nil { try principal.require("writeBucketRetentions") }
        let defaultEncryption = try call.parameters.optionalRaw("defaultServerSideEncryption").map {
            try Encryption.bucketDefault($0)
        }
        if defaultEncryption != nil { try principal.require("writeBucketEncryption") }
        let replication = call.parameters.optionalRaw("replicationConfiguration")
        if replication != nil { try principal.require("writeBucketReplications") }
        let (bucket, settings) = try await database.write { db in
            guard var bucket = try BucketRecord.fetchOne(db, key: bucketId) else {
                throw B2APIError.badBucketID(bucketId)
            }
            if let ifRevisionIs, ifRevisionIs != bucket.revision {
                throw B2APIError(
                    .conflict, "conflict", "simultaneous updates to bucket: revision is \(bucket.revision)")
            }
            if let type { bucket.bucketType = type }
            if let info { bucket.bucketInfo = info }
            if let cors { bucket.corsRules = cors }
            if let lifecycle { bucket.lifecycleRules = lifecycle }
            var lock = try BucketLockRecord.fetchOne(db, key: bucketId)
            if enableLock == false, lock != nil {
                throw B2APIError(
                    .badRequest, "file_lock_conflict",
                    "fileLockEnabled value of false is not allowed when bucket is already file lock enabled.")
            }
            if let replication {
                if let record = try Replication.configuration(replication, bucketId: bucketId, db: db) {
                    try record.upsert(db)
                } else {
                    _ = try BucketReplicationRecord.deleteOne(db, key: bucketId)
                }
            }
            if enableLock == true, lock == nil {
                if try BucketReplicationRecord.fetchOne(db, key: bucketId)?.isSource == true {
                    throw Replication.sourceReplicationConflict()
                }
                lock = BucketLockRecord(bucketId: bucketId)
            }
            if let defaultRetention {
                guard lock != nil else { throw ObjectLock.missingFileLock() }
                lock?.defaultMode = defaultRetention?.mode
                lock?.defaultDuration = defaultRetention?.period.duration
                lock?.defaultUnit = defaultRetention?.period.unit
            }
            try lock?.upsert(db)
            if let defaultEncryption {
                if let mode = defaultEncryption {
                    try BucketEncryptionRecord(bucketId: bucketId, mode: mode).upsert(db)
                } else {
                    _ = try BucketEncryptionRecord.deleteOne(db, key: bucketId)
                }
            }
            bucket.revision += 1
            try bucket.update(db)
            return (bucket, try BucketSettings.load(db, bucketId: bucketId))
        }
        return Rendering.bucket(bucket, settings: settings, accountId: accountId, principal: principal)
    }

    /// `b2_delete_bucket`: only an empty bucket (no versions, no unfinished large files).
    func deleteBucket(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("deleteBuckets")
        let bucketId = try call.parameters.string("bucketId")
        try principal.requireBucket(bucketId)
        let settings = try await database.writer.read { db in try BucketSettings.load(db, bucketId: bucketId) }
        let bucket = try await removeBucket(bucketId)
        return Rendering.bucket(bucket, settings: settings, accountId: accountId, principal: principal)
    }

    /// Deletes an empty bucket (no versions, no unfinished large files).
    func removeBucket(_ bucketId: String) async throws -> BucketRecord {
        try await database.write { db in
            guard let bucket = try BucketRecord.fetchOne(db, key: bucketId) else {
                throw B2APIError.badBucketID(bucketId)
            }
            if try FileRecord.filter(FileRecord.Columns.bucketId == bucketId).fetchCount(db) > 0 {
                throw B2APIError(
                    .badRequest, "cannot_delete_non_empty_bucket",
                    "Bucket \(bucket.bucketName) is not empty: delete every file version and unfinished large file first"
                )
            }
            try bucket.delete(db)
            return bucket
        }
    }

    /// Looks up a bucket by id, answering B2's `bad_bucket_id` when it does not exist.
    func bucket(_ bucketId: String) async throws -> BucketRecord {
        guard let bucket = try await database.writer.read({ db in try BucketRecord.fetchOne(db, key: bucketId) }) else {
            throw B2APIError.badBucketID(bucketId)
        }
        return bucket
    }

    private static func checkBucketType(_ type: String) throws {
        guard type == "allPrivate" || type == "allPublic" else {
            throw B2APIError.badRequest("Invalid bucketType \"\(type)\": use allPrivate or allPublic")
        }
    }

    private static func objectText(_ parameters: CallParameters, _ name: String) throws -> String? {
        guard let value = parameters.optionalRaw(name) else { return nil }
        guard case .object = value else { throw B2APIError.badRequest("Field \(name) must be an object") }
        return value.serialized()
    }

    /// `corsRules`, validated, as the text a bucket row keeps and replies show.
    private static func corsText(_ parameters: CallParameters) throws -> String? {
        try parameters.optionalRaw("corsRules").map { CorsRule.render(try CorsRule.rules($0)).serialized() }
    }

    /// `lifecycleRules`, validated, as the text a bucket row keeps and replies show.
    private static func lifecycleText(_ parameters: CallParameters) throws -> String? {
        try parameters.optionalRaw("lifecycleRules").map {
            LifecycleRule.render(try LifecycleRule.rules($0)).serialized()
        }
    }

}
