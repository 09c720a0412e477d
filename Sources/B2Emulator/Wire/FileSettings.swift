import GRDB

/// What the feature components keep about one version, read together for a version reply.
struct FileSettings: Sendable {
    var lock: FileLockRecord?
    var encryption: FileEncryptionRecord?
    var replication: FileReplicationRecord?

    /// Inserts a new version and what the components give it: its lock (asked for, or the bucket's default), its
    /// encryption, and its replication status; in the caller's transaction.
    static func insert(
        _ record: FileRecord, lock requested: ObjectLock.Requested, rules: ObjectLock,
        encryption: FileEncryptionRecord?, principal: Principal, db: Database
    ) throws -> FileSettings {
        try record.insert(db)
        let lock = try rules.lockForNewVersion(
            requested, fileId: record.fileId, bucketId: record.bucketId, principal: principal, db: db)
        try lock?.insert(db)
        try encryption?.insert(db)
        let replication = try Replication.statusForNewVersion(record, encryption: encryption, db: db)
        try replication?.insert(db)
        return FileSettings(lock: lock, encryption: encryption, replication: replication)
    }

    /// Turns an unfinished large file whose parts are in place into a version (native finish and S3
    /// CompleteMultipartUpload): its row updated, its replication status, and its `b2:ObjectCreated:MultipartUpload`
    /// event, in the caller's transaction.
    static func finishLargeFile(_ finished: FileRecord, now: Int64, db: Database) throws -> FileSettings {
        try finished.update(db)
        var settings = try load(db, fileId: finished.fileId)
        // The large file becomes a version now, so replication covers it now.
        settings.replication = try Replication.statusForNewVersion(finished, encryption: settings.encryption, db: db)
        try settings.replication?.insert(db)
        try ObjectEventRecord.record(ObjectEventType.multipartUpload, of: finished, now: now, db: db)
        return settings
    }

    /// Inserts a hide marker a caller asked for (`b2_hide_file`, an S3 delete without a version), with the
    /// replication status it gets as a new version; in the caller's transaction. Lifecycle hides do not come here:
    /// a destination bucket applies its own lifecycle rules.
    static func insertHideMarker(_ marker: FileRecord, db: Database) throws -> FileSettings {
        try marker.insert(db)
        try ObjectEventRecord.record(ObjectEventType.hide, of: marker, now: marker.uploadTimestamp, db: db)
        let replication = try Replication.statusForNewVersion(marker, encryption: nil, db: db)
        try replication?.insert(db)
        return FileSettings(replication: replication)
    }

    /// The settings of one version.
    static func load(_ db: Database, fileId: String) throws -> FileSettings {
        FileSettings(
            lock: try FileLockRecord.fetchOne(db, key: fileId),
            encryption: try FileEncryptionRecord.fetchOne(db, key: fileId),
            replication: try FileReplicationRecord.fetchOne(db, key: fileId))
    }

    /// The settings a download of `file` shows, skipping each table that no version uses.
    static func loadForDownload(_ db: Database, file: FileRecord) throws -> FileSettings {
        try loadAll(db, bucketId: file.bucketId, fileIds: [file.fileId])[file.fileId] ?? FileSettings()
    }

    /// The settings of a page of versions of one bucket, by file id (a listing reads them once per page).
    static func loadAll(_ db: Database, bucketId: String, fileIds: [String]) throws -> [String: FileSettings] {
        guard !fileIds.isEmpty else { return [:] }
        var settings: [String: FileSettings] = [:]
        for (id, lock) in try ObjectLock.locks(db, bucketId: bucketId, fileIds: fileIds) {
            settings[id, default: .init()].lock = lock
        }
        for (id, encryption) in try Encryption.records(db, fileIds: fileIds) {
            settings[id, default: .init()].encryption = encryption
        }
        if try !FileReplicationRecord.all().isEmpty(db) {
            for replication in try FileReplicationRecord.filter(keys: fileIds).fetchAll(db) {
                settings[replication.fileId, default: .init()].replication = replication
            }
        }
        return settings
    }
}
