import GRDB

/// A bucket's replication configuration, as validated JSON text; buckets without replication have no row.
struct BucketReplicationRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "bucket_replication"
    var bucketId: String
    /// `{"asReplicationSource": ..., "asReplicationDestination": ...}`, each null when the bucket is not one.
    var configuration: String
    /// True when the bucket has replication rules of its own (it is a source).
    var isSource: Bool
}

enum ReplicationMigration {
    /// Adds `bucket_replication`, dropped with its bucket.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-replication") { db in
            try db.create(table: BucketReplicationRecord.databaseTableName) { t in
                t.primaryKey("bucketId", .text).references("bucket", onDelete: .cascade)
                t.column("configuration", .text).notNull()
                t.column("isSource", .boolean).notNull()
            }
        }
    }
}
