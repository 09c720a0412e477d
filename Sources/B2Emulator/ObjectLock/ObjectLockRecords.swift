import GRDB

/// The Object Lock settings of a bucket with `fileLockEnabled`; a bucket without a row has Object Lock off.
struct BucketLockRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "bucket_lock"
    var bucketId: String
    /// The default retention given to new versions that ask for none, or nil for no default.
    var defaultMode: RetentionMode?
    /// The default retention's period, with `defaultUnit`.
    var defaultDuration: Int64?
    var defaultUnit: RetentionPeriod.Unit?

    /// The default retention, when the bucket has one.
    var defaultRetention: (mode: RetentionMode, period: RetentionPeriod)? {
        guard let defaultMode, let defaultDuration, let defaultUnit else { return nil }
        return (defaultMode, RetentionPeriod(duration: defaultDuration, unit: defaultUnit))
    }
}

/// The retention and legal hold of one file version (or unfinished large file); versions without either have no row.
struct FileLockRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "file_lock"
    var fileId: String
    var retentionMode: RetentionMode? = nil
    /// Milliseconds since the epoch; set exactly when `retentionMode` is.
    var retainUntil: Int64? = nil
    var legalHold: LegalHold? = nil

    enum Columns {
        static let fileId = Column(CodingKeys.fileId)
    }

    /// True when the record says nothing: no retention and no legal hold.
    var isEmpty: Bool { retentionMode == nil && legalHold == nil }

    /// The retention in force at `now`: a mode whose retain-until time has not passed.
    func activeRetention(at now: Int64) -> RetentionMode? {
        guard let retentionMode, let retainUntil, retainUntil > now else { return nil }
        return retentionMode
    }
}

/// `governance` (removable with `bypassGovernance`) or `compliance` (never shortened or removed).
enum RetentionMode: String, Codable, Sendable, DatabaseValueConvertible {
    case governance
    case compliance
}

/// A legal hold: while `on`, the version cannot be deleted.
enum LegalHold: String, Codable, Sendable, DatabaseValueConvertible {
    case on
    case off
}

/// A bucket's default retention period: a number of days or years.
struct RetentionPeriod: Sendable, Equatable {
    enum Unit: String, Codable, Sendable, DatabaseValueConvertible {
        case days
        case years
    }
    var duration: Int64
    var unit: Unit

    /// The period in milliseconds (a year is 365 days, as B2 counts it).
    var milliseconds: Int64 { duration * 86_400_000 * (unit == .years ? 365 : 1) }
}

enum ObjectLockMigration {
    /// Adds the Object Lock tables: `bucket_lock` and `file_lock`, each dropped with its bucket or version.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-object-lock") { db in
            try db.create(table: BucketLockRecord.databaseTableName) { t in
                t.primaryKey("bucketId", .text).references("bucket", onDelete: .cascade)
                t.column("defaultMode", .text)
                t.column("defaultDuration", .integer)
                t.column("defaultUnit", .text)
            }
            try db.create(table: FileLockRecord.databaseTableName) { t in
                t.primaryKey("fileId", .text).references("file", column: "fileId", onDelete: .cascade)
                t.column("retentionMode", .text)
                t.column("retainUntil", .integer)
                t.column("legalHold", .text)
            }
        }
    }
}
