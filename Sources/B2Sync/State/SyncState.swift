import B2Kit
import Foundation
import GRDB

/// The state database of a sync (SQLite): the catalog of every synced object, the cache of local SHA-1s, and
/// one row per run.
///
/// It lives in the destination folder as `.b2kit-sync.db` (never synced itself), or where `--state` says. Rows are
/// written as each object finishes, so after a crash the catalog holds exactly what was finished.
public struct SyncState: Sendable {
    /// The file name the state database takes in a destination folder.
    public static let fileName = ".b2kit-sync.db"

    let writer: any DatabaseWriter
    /// Where the database is.
    public let path: String

    /// Opens (creating if needed) the state database at `path`.
    /// - Throws: `B2Error` `.localFile` when it cannot be opened or is not a b2kit state database.
    public init(path: String) throws {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            writer = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(writer)
        } catch {
            throw B2Error(
                .localFile,
                "Cannot open the sync state database \(path): \(error). Remove it to start afresh (the next run "
                    + "compares both sides again)",
                cause: DescribedError(error)
            )
        }
    }

    /// The default place of the state database: inside a destination folder, or under the user's state folder
    /// (`$XDG_STATE_HOME/b2kit`, else `~/.local/state/b2kit`) named after the two sides.
    public static func defaultPath(source: SyncEndpoint, destination: SyncEndpoint, environment: [String: String])
        -> String
    {
        if case .folder(let root) = destination { return root + "/" + fileName }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let base = environment["XDG_STATE_HOME"] ?? (home + "/.local/state")
        let key = "\(source)|\(destination)".utf8.reduce(UInt64(14_695_981_039_346_656_037)) { hash, byte in
            (hash ^ UInt64(byte)) &* 1_099_511_628_211
        }
        return base + "/b2kit/sync-" + String(key, radix: 16) + ".db"
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "catalog") { t in
                t.primaryKey("name", .text)
                t.column("size", .integer).notNull()
                t.column("sha1", .text)
                t.column("contentType", .text)
                t.column("uploadTimestamp", .integer)
                t.column("modifiedMillis", .integer).notNull()
                t.column("fileInfo", .text)
                t.column("localPath", .text)
                t.column("syncedAt", .integer).notNull()
            }
            try db.create(table: "localHash") { t in
                t.primaryKey("path", .text)
                t.column("size", .integer).notNull()
                t.column("modifiedMillis", .integer).notNull()
                t.column("inode", .integer).notNull()
                t.column("sha1", .text).notNull()
            }
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("startedAt", .integer).notNull()
                t.column("finishedAt", .integer)
                t.column("copied", .integer).notNull().defaults(to: 0)
                t.column("bytes", .integer).notNull().defaults(to: 0)
                t.column("deleted", .integer).notNull().defaults(to: 0)
                t.column("failed", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v2-seen-events") { db in
            try db.create(table: "seenEvent") { t in
                t.primaryKey("eventId", .text)
                t.column("seenAt", .integer).notNull()
            }
        }
        return migrator
    }

    /// True when the event notification with this id was applied before.
    func hasSeenEvent(_ eventId: String) async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM seenEvent WHERE eventId = ?", arguments: [eventId]) ?? false
        }
    }

    /// Notes an event notification's id; false when it was noted before (B2 delivers at least once).
    func markEventSeen(_ eventId: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO seenEvent (eventId, seenAt) VALUES (?, ?)",
                arguments: [eventId, Int64(Date().timeIntervalSince1970 * 1000)])
            return db.changesCount == 1
        }
    }

    /// Records a finished copy.
    func recordCopied(_ object: SyncObject, localPath: String?, copy: B2FileVersion?) async throws {
        let version = copy ?? object.version
        var info: String?
        if let fileInfo = version?.fileInfo,
            let data = try? JSONSerialization.data(
                withJSONObject: fileInfo, options: [.sortedKeys])
        {
            info = String(decoding: data, as: UTF8.self)
        }
        let entry = CatalogEntry(
            name: object.name, size: object.size, sha1: object.sha1 ?? version?.knownSHA1,
            contentType: version?.contentType, uploadTimestamp: version?.uploadTimestamp,
            modifiedMillis: object.modifiedMillis, fileInfo: info, localPath: localPath,
            syncedAt: Int64(Date().timeIntervalSince1970 * 1000)
        )
        try await writer.write { db in try entry.save(db) }
    }

    /// Records a deletion.
    func recordDeleted(name: String) async throws {
        _ = try await writer.write { db in try CatalogEntry.deleteOne(db, key: name) }
    }

    /// True when the last run started and never finished: the process was killed, so files it renamed into place
    /// just before may lack their catalog row.
    func lastRunWasInterrupted() async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT finishedAt IS NULL FROM run ORDER BY id DESC LIMIT 1"
            ) ?? false
        }
    }

    /// True when the catalog has a row for `name`.
    func hasCatalogEntry(name: String) async throws -> Bool {
        try await writer.read { db in try CatalogEntry.exists(db, key: name) }
    }

    /// The SHA-1 computed earlier for this exact local file (same path, size, time and inode), if any.
    func cachedSHA1(path: String, size: Int64, modifiedMillis: Int64, inode: UInt64) async throws -> String? {
        try await writer.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT sha1 FROM localHash WHERE path = ? AND size = ? AND modifiedMillis = ? AND inode = ?",
                arguments: [path, size, modifiedMillis, Int64(bitPattern: inode)]
            )
        }
    }

    /// Remembers the SHA-1 of a local file.
    func storeSHA1(_ sha1: String, path: String, size: Int64, modifiedMillis: Int64, inode: UInt64) async throws {
        try await writer.write { db in
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO localHash (path, size, modifiedMillis, inode, sha1) VALUES (?, ?, ?, ?, ?)",
                arguments: [path, size, modifiedMillis, Int64(bitPattern: inode), sha1]
            )
        }
    }

    /// Starts a run; returns its id.
    func beginRun() async throws -> Int64 {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO run (startedAt) VALUES (?)", arguments: [Int64(Date().timeIntervalSince1970 * 1000)]
            )
            return db.lastInsertedRowID
        }
    }

    /// Finishes a run with its counts.
    func finishRun(_ id: Int64, _ summary: SyncSummary) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE run SET finishedAt = ?, copied = ?, bytes = ?, deleted = ?, failed = ? WHERE id = ?",
                arguments: [
                    Int64(Date().timeIntervalSince1970 * 1000), summary.copied, summary.copiedBytes, summary.deleted,
                    summary.failures.count, id,
                ]
            )
        }
    }

    /// Catalog rows in name order, from the first name after `after` that starts with `prefix`.
    public func catalog(prefix: String = "", after: String? = nil, limit: Int = 1000) async throws -> [CatalogEntry] {
        try await writer.read { db in
            var request = CatalogEntry.order(CatalogEntry.Columns.name)
            if !prefix.isEmpty {
                request = request.filter(
                    sql: "substr(name, 1, ?) = ?", arguments: [prefix.unicodeScalars.count, prefix])
            }
            if let after { request = request.filter(CatalogEntry.Columns.name > after) }
            return try request.limit(limit).fetchAll(db)
        }
    }
}
