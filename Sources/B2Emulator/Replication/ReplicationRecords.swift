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
    /// Adds `bucket_replication`, dropped with its bucket, and `file_replication`, dropped with its version.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-replication") { db in
            try db.create(table: BucketReplicationRecord.databaseTableName) { t in
                t.primaryKey("bucketId", .text).references("bucket", onDelete: .cascade)
                t.column("configuration", .text).notNull()
                t.column("isSource", .boolean).notNull()
            }
            try db.create(table: FileReplicationRecord.databaseTableName) { t in
                t.primaryKey("fileId", .text).references("file", column: "fileId", onDelete: .cascade)
                t.column("status", .text).notNull()
            }
        }
    }
}

/// The replication status of a version in a source bucket (`pending` until it is copied); versions that no rule
/// covers have no row.
struct FileReplicationRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "file_replication"
    var fileId: String
    var status: ReplicationStatus
}

/// B2's `replicationStatus` values.
enum ReplicationStatus: String, Codable, Sendable, DatabaseValueConvertible {
    case pending, completed, failed, replica
}
