import Foundation
import GRDB

/// The emulator's metadata in SQLite: buckets, file versions, parts, keys and settings.
///
/// Object bytes live in the ``BlobStore``; a row here is written only after its bytes are complete and on disk,
/// so a row always points at a whole blob.
struct EmulatorDatabase: Sendable {
    let writer: any DatabaseWriter
    /// Counts committed writes, so caches of what was read can tell when they may be stale.
    let generation = WriteGeneration()

    /// Opens (creating if needed) the database at `path`, in WAL mode, and migrates it.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        writer = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(writer)
    }

    /// An in-memory database, for tests.
    init() throws {
        writer = try DatabaseQueue()
        try Self.migrator.migrate(writer)
    }

    /// Runs a write transaction, then advances the generation so cached reads from before it are dropped.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        defer { generation.advance() }
        return try await writer.write(updates)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "setting") { t in
                t.primaryKey("name", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "bucket") { t in
                t.primaryKey("bucketId", .text)
                t.column("bucketName", .text).notNull().unique().collate(.nocase)
                t.column("bucketType", .text).notNull()
                t.column("bucketInfo", .text).notNull()
                t.column("corsRules", .text).notNull()
                t.column("lifecycleRules", .text).notNull()
                t.column("revision", .integer).notNull()
                t.column("createdAt", .integer).notNull()
            }
            try db.create(table: "file") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("fileId", .text).notNull().unique()
                t.column("bucketId", .text).notNull().references("bucket", onDelete: .restrict)
                t.column("fileName", .text).notNull()
                t.column("action", .text).notNull()
                t.column("contentLength", .integer).notNull()
                t.column("contentSha1", .text)
                t.column("contentMd5", .text)
                t.column("contentType", .text)
                t.column("fileInfo", .text).notNull()
                t.column("uploadTimestamp", .integer).notNull()
                t.column("blob", .text)
            }
            try db.create(index: "file_by_name", on: "file", columns: ["bucketId", "fileName", "seq"])
            try db.create(index: "file_by_blob", on: "file", columns: ["blob"])
            try db.create(table: "part") { t in
                t.column("fileId", .text).notNull().references("file", column: "fileId", onDelete: .cascade)
                t.column("partNumber", .integer).notNull()
                t.column("contentLength", .integer).notNull()
                t.column("contentSha1", .text).notNull()
                t.column("contentMd5", .text)
                t.column("uploadTimestamp", .integer).notNull()
                t.primaryKey(["fileId", "partNumber"])
            }
            try db.create(table: "key") { t in
                t.primaryKey("applicationKeyId", .text)
                t.column("applicationKey", .text).notNull()
                t.column("keyName", .text).notNull()
                t.column("capabilities", .text).notNull()
                t.column("bucketIds", .text)
                t.column("namePrefix", .text)
                t.column("expirationTimestamp", .integer)
                t.column("isMaster", .boolean).notNull()
                t.column("createdAt", .integer).notNull()
            }
        }
        migrator.registerMigration("v2-s3-etag") { db in
            try db.alter(table: "file") { t in
                t.add(column: "s3ETag", .text)
            }
        }
        ObjectLockMigration.register(in: &migrator)
        EncryptionMigration.register(in: &migrator)
        ReplicationMigration.register(in: &migrator)
        ObjectEventMigration.register(in: &migrator)
        NotificationMigration.register(in: &migrator)
        NotificationOutboxMigration.register(in: &migrator)
        return migrator
    }
}
