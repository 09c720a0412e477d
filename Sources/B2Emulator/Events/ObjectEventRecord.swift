import GRDB

/// A change to a bucket's objects of a kind B2 notifies (`b2:ObjectCreated:*`, `b2:ObjectDeleted:*`,
/// `b2:HideMarkerCreated:*`), written in the transaction of the change itself so that no change goes unrecorded.
struct ObjectEventRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "object_event"
    /// Order of recording.
    var seq: Int64?
    var eventId: String
    var bucketId: String
    /// B2's event type, for example `b2:ObjectDeleted:LifecycleRule`.
    var eventType: String
    var objectName: String
    var objectSize: Int64
    /// The id of the version created or deleted, or of the hide marker.
    var objectVersionId: String
    /// Milliseconds since the epoch, on the emulator's clock.
    var eventTimestamp: Int64

    enum Columns {
        static let seq = Column(CodingKeys.seq)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }

    /// Records that `file` was created, deleted or hidden, as `eventType`, at `now`, and queues it for the
    /// bucket's notification rules that match it, all in the caller's transaction.
    static func record(_ eventType: String, of file: FileRecord, now: Int64, db: Database) throws {
        var event = ObjectEventRecord(
            eventId: Identifiers.hex(bytes: 16), bucketId: file.bucketId, eventType: eventType,
            objectName: file.fileName, objectSize: file.contentLength, objectVersionId: file.fileId,
            eventTimestamp: now)
        try event.insert(db)
        try NotificationOutbox.enqueue(event, db: db)
    }
}

/// The event types the emulator records, as B2 names them.
enum ObjectEventType {
    /// `b2_upload_file` and S3 PutObject.
    static let upload = "b2:ObjectCreated:Upload"
    /// `b2_finish_large_file` and S3 CompleteMultipartUpload.
    static let multipartUpload = "b2:ObjectCreated:MultipartUpload"
    /// `b2_copy_file` and S3 CopyObject.
    static let copy = "b2:ObjectCreated:Copy"
    /// A version replication wrote.
    static let replica = "b2:ObjectCreated:Replica"
    /// `b2_delete_file_version` and S3 DeleteObject with a version id.
    static let delete = "b2:ObjectDeleted:Delete"
    /// A version a lifecycle rule deleted.
    static let lifecycleDelete = "b2:ObjectDeleted:LifecycleRule"
    /// `b2_hide_file` and S3 DeleteObject without a version id.
    static let hide = "b2:HideMarkerCreated:Hide"
    /// A hide marker a lifecycle rule made.
    static let lifecycleHide = "b2:HideMarkerCreated:LifecycleRule"
}

enum ObjectEventMigration {
    /// Adds `object_event`, dropped with its bucket.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-object-events") { db in
            try db.create(table: ObjectEventRecord.databaseTableName) { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("eventId", .text).notNull().unique()
                t.column("bucketId", .text).notNull().references("bucket", onDelete: .cascade)
                t.column("eventType", .text).notNull()
                t.column("objectName", .text).notNull()
                t.column("objectSize", .integer).notNull()
                t.column("objectVersionId", .text).notNull()
                t.column("eventTimestamp", .integer).notNull()
            }
        }
    }
}
