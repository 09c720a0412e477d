import GRDB

/// What the feature components keep about one bucket, read together for a bucket reply.
struct BucketSettings: Sendable {
    var lock: BucketLockRecord?
    var encryption: BucketEncryptionRecord?
    var replication: BucketReplicationRecord?

    /// The settings of one bucket.
    static func load(_ db: Database, bucketId: String) throws -> BucketSettings {
        BucketSettings(
            lock: try BucketLockRecord.fetchOne(db, key: bucketId),
            encryption: try BucketEncryptionRecord.fetchOne(db, key: bucketId),
            replication: try BucketReplicationRecord.fetchOne(db, key: bucketId))
    }

    /// The settings of every bucket that has any, by bucket id.
    static func loadAll(_ db: Database) throws -> [String: BucketSettings] {
        var settings: [String: BucketSettings] = [:]
        for lock in try BucketLockRecord.fetchAll(db) { settings[lock.bucketId, default: .init()].lock = lock }
        for encryption in try BucketEncryptionRecord.fetchAll(db) {
            settings[encryption.bucketId, default: .init()].encryption = encryption
        }
        for replication in try BucketReplicationRecord.fetchAll(db) {
            settings[replication.bucketId, default: .init()].replication = replication
        }
        return settings
    }
}
