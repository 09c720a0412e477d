import B2Kit
import Foundation
import GRDB

/// The service's store on SQLite (GRDB), with append-only migrations.
public struct SQLiteServiceStore: ServiceStore {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path`.
    /// - Throws: `B2Error` `.localFile` when it cannot be opened or migrated.
    public init(path: String) throws {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.foreignKeysEnabled = true
            // Sealed keys and token hashes: readable by the owner only (SQLite gives -wal and -shm the same mode).
            if !FileManager.default.fileExists(atPath: path) {
                let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
                if descriptor >= 0 { close(descriptor) }
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            writer = pool
        } catch {
            throw B2Error(
                .localFile,
                "Cannot open the service database \(path): \(error). Check the path and its permissions",
                cause: DescribedError(error))
        }
    }

    /// Reads `sqlite:PATH` (or a bare path).
    public static func path(fromURL text: String) -> String {
        text.hasPrefix("sqlite:") ? String(text.dropFirst("sqlite:".count)) : text
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "tokens") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("hash", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
                t.column("revokedAt", .datetime)
            }
            try db.create(table: "connections") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("keyId", .text).notNull()
                t.column("sealedKey", .blob).notNull()
                t.column("accountId", .text).notNull()
                t.column("capabilities", .text).notNull()
                t.column("allowedBucket", .text)
                t.column("namePrefix", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "syncs") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("connectionId", .text).notNull().indexed()
                    .references("connections", onDelete: .cascade)
                t.column("sourcePath", .text).notNull()
                t.column("destination", .text).notNull()
                t.column("syncMode", .text).notNull()
                t.column("pollingIntervalSeconds", .integer).notNull()
                t.column("includePatterns", .text).notNull()
                t.column("excludePatterns", .text).notNull()
                t.column("modifiedSince", .text)
                t.column("deleteExtraneous", .boolean).notNull()
                t.column("paused", .boolean).notNull()
                t.column("nextRunAt", .datetime)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "runs") { t in
                t.primaryKey("id", .text)
                t.column("syncId", .text).notNull().indexed().references("syncs", onDelete: .cascade)
                t.column("status", .text).notNull()
                t.column("trigger", .text).notNull()
                t.column("copied", .integer).notNull()
                t.column("skipped", .integer).notNull()
                t.column("deleted", .integer).notNull()
                t.column("failed", .integer).notNull()
                t.column("bytes", .integer).notNull()
                t.column("errors", .text).notNull()
                t.column("message", .text)
                t.column("queuedAt", .datetime).notNull()
                t.column("startedAt", .datetime)
                t.column("finishedAt", .datetime)
            }
            // Never two active runs of one sync: the schema itself refuses the second.
            try db.execute(
                sql: "CREATE UNIQUE INDEX runs_one_active ON runs(syncId) WHERE status IN ('queued', 'running')")
        }
        migrator.registerMigration("v2-roles") { db in
            // Tokens made before roles existed become operators: they keep running syncs, and an admin token
            // (made on the host with 'b2kit service token create --role admin') manages connections and tokens.
            try db.alter(table: "tokens") { t in
                t.add(column: "role", .text).notNull().defaults(to: Role.operator.rawValue)
                t.add(column: "lastUsedAt", .datetime)
            }
            for table in ["connections", "syncs"] {
                try db.alter(table: table) { t in
                    t.add(column: "createdBy", .text)
                    t.add(column: "updatedBy", .text)
                }
            }
        }
        migrator.registerMigration("v3-hook-secrets") { db in
            try db.alter(table: "syncs") { t in t.add(column: "sealedHookSecret", .blob) }
            try db.alter(table: "runs") { t in t.add(column: "objectNames", .text) }
        }
        return migrator
    }

    /// As `ServiceStore` documents it.
    public func insertToken(_ token: TokenRecord) async throws {
        try await writer.write { try token.insert($0) }
    }

    /// As `ServiceStore` documents it.
    public func validToken(hash: String) async throws -> TokenRecord? {
        try await writer.read { db in
            try TokenRecord.filter(Column("hash") == hash && Column("revokedAt") == nil).fetchOne(db)
        }
    }

    /// As `ServiceStore` documents it.
    public func tokens() async throws -> [TokenRecord] {
        try await writer.read { try TokenRecord.order(Column("createdAt").desc).fetchAll($0) }
    }

    /// As `ServiceStore` documents it.
    public func revokeToken(id: String, at date: Date) async throws -> Bool {
        try await writer.write { db in
            try TokenRecord.filter(Column("id") == id && Column("revokedAt") == nil)
                .updateAll(db, Column("revokedAt").set(to: date)) > 0
        }
    }

    /// As `ServiceStore` documents it.
    public func touchToken(id: String, at date: Date) async throws {
        try await writer.write { db in
            _ = try TokenRecord.filter(Column("id") == id).updateAll(db, Column("lastUsedAt").set(to: date))
        }
    }

    /// As `ServiceStore` documents it.
    public func insertConnection(_ connection: ConnectionRecord) async throws {
        try await writer.write { try connection.insert($0) }
    }

    /// As `ServiceStore` documents it.
    public func updateConnection(_ connection: ConnectionRecord) async throws {
        try await writer.write { try connection.update($0) }
    }

    /// As `ServiceStore` documents it.
    public func connection(id: String) async throws -> ConnectionRecord? {
        try await writer.read { try ConnectionRecord.fetchOne($0, key: id) }
    }

    /// As `ServiceStore` documents it.
    public func connections() async throws -> [ConnectionRecord] {
        try await writer.read { try ConnectionRecord.order(Column("createdAt"), Column("id")).fetchAll($0) }
    }

    /// As `ServiceStore` documents it.
    public func deleteConnection(id: String, force: Bool) async throws -> ConnectionDeletion {
        try await writer.write { db in
            guard try ConnectionRecord.exists(db, key: id) else { return .notFound }
            let users = try SyncRecord.filter(Column("connectionId") == id).fetchCount(db)
            if users > 0, !force { return .inUse(syncs: users) }
            try ConnectionRecord.deleteOne(db, key: id)
            return .deleted(syncs: users)
        }
    }

    /// As `ServiceStore` documents it.
    public func insertSync(_ sync: SyncRecord, queueRun: RunRecord?) async throws {
        try await writer.write { db in
            try sync.insert(db)
            try queueRun?.insert(db)
        }
    }

    /// As `ServiceStore` documents it.
    public func updateSync(_ sync: SyncRecord) async throws {
        try await writer.write { try sync.update($0) }
    }

    /// As `ServiceStore` documents it.
    public func sync(id: String) async throws -> SyncRecord? {
        try await writer.read { try SyncRecord.fetchOne($0, key: id) }
    }

    /// As `ServiceStore` documents it.
    public func syncs() async throws -> [SyncRecord] {
        try await writer.read { try SyncRecord.order(Column("createdAt"), Column("id")).fetchAll($0) }
    }

    /// As `ServiceStore` documents it.
    public func deleteSync(id: String) async throws -> Bool {
        try await writer.write { try SyncRecord.deleteOne($0, key: id) }
    }

    /// As `ServiceStore` documents it.
    public func enqueue(_ run: RunRecord) async throws -> (run: RunRecord, created: Bool) {
        try await writer.write { db in
            if let active = try Self.active(db, syncId: run.syncId) { return (active, false) }
            try run.insert(db)
            return (run, true)
        }
    }

    /// As `ServiceStore` documents it.
    public func addObjectNames(_ names: [String], toQueuedRun id: String) async throws -> Bool {
        try await writer.write { db in
            guard var run = try RunRecord.fetchOne(db, key: id), run.status == .queued else { return false }
            guard let listed = run.objectNames else { return true }
            run.objectNames = listed + names.filter { !listed.contains($0) }
            try run.update(db)
            return true
        }
    }

    static func active(_ db: Database, syncId: String) throws -> RunRecord? {
        try RunRecord.filter(
            Column("syncId") == syncId
                && [RunRecord.Status.queued, .running].contains(Column("status"))
        ).fetchOne(db)
    }

    /// As `ServiceStore` documents it.
    public func run(id: String) async throws -> RunRecord? {
        try await writer.read { try RunRecord.fetchOne($0, key: id) }
    }

    /// As `ServiceStore` documents it.
    public func runs(syncId: String, limit: Int) async throws -> [RunRecord] {
        try await writer.read { db in
            try RunRecord.filter(Column("syncId") == syncId)
                .order(Column("queuedAt").desc, Column("id").desc).limit(limit).fetchAll(db)
        }
    }

    /// As `ServiceStore` documents it.
    public func activeRun(syncId: String) async throws -> RunRecord? {
        try await writer.read { try Self.active($0, syncId: syncId) }
    }

    /// As `ServiceStore` documents it.
    public func claimNextRun(at date: Date) async throws -> RunRecord? {
        try await writer.write { db in
            guard
                var run = try RunRecord.fetchOne(
                    db,
                    sql: """
                        SELECT runs.* FROM runs JOIN syncs ON syncs.id = runs.syncId
                        WHERE runs.status = 'queued' AND syncs.paused = 0
                        ORDER BY runs.queuedAt, runs.id LIMIT 1
                        """)
            else { return nil }
            run.status = .running
            run.startedAt = run.startedAt ?? date
            try run.update(db)
            return run
        }
    }

    /// As `ServiceStore` documents it.
    public func requeueInterruptedRuns() async throws -> Int {
        try await writer.write { db in
            try RunRecord.filter(Column("status") == RunRecord.Status.running)
                .updateAll(db, Column("status").set(to: RunRecord.Status.queued))
        }
    }

    /// As `ServiceStore` documents it.
    public func finishRun(_ run: RunRecord, nextRunAt: Date?) async throws {
        try await writer.write { db in
            guard try RunRecord.exists(db, key: run.id) else { return }
            try run.update(db)
            if var sync = try SyncRecord.fetchOne(db, key: run.syncId) {
                sync.nextRunAt = nextRunAt
                try sync.update(db)
            }
        }
    }

    /// As `ServiceStore` documents it.
    public func dueSyncs(at date: Date) async throws -> [SyncRecord] {
        try await writer.read { db in
            try SyncRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM syncs WHERE paused = 0 AND syncMode IN ('scheduled', 'continuous', 'events')
                    AND nextRunAt IS NOT NULL AND nextRunAt <= ?
                    AND NOT EXISTS (SELECT 1 FROM runs WHERE runs.syncId = syncs.id
                                    AND runs.status IN ('queued', 'running'))
                    ORDER BY nextRunAt
                    """,
                arguments: [date])
        }
    }

    /// As `ServiceStore` documents it.
    public func runStatistics() async throws -> RunStatistics {
        try await writer.read { db in
            var statistics = RunStatistics()
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT status, COUNT(*) AS n, TOTAL(copied) AS copied, TOTAL(skipped) AS skipped,
                           TOTAL(deleted) AS deleted, TOTAL(failed) AS failed, TOTAL(bytes) AS bytes
                    FROM runs GROUP BY status
                    """)
            {
                let status: String = row["status"]
                let count: Int = row["n"]
                statistics.runs[status] = count
                statistics.copied += Int(row["copied"] as Double)
                statistics.skipped += Int(row["skipped"] as Double)
                statistics.deleted += Int(row["deleted"] as Double)
                statistics.failed += Int(row["failed"] as Double)
                statistics.bytes += Int64(row["bytes"] as Double)
            }
            let buckets = RunStatistics.bounds.enumerated()
                .map { "TOTAL(CASE WHEN d <= \($0.element) THEN 1 ELSE 0 END) AS b\($0.offset)" }
                .joined(separator: ", ")
            if let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS n, TOTAL(d) AS total, \(buckets) FROM (
                        SELECT (julianday(finishedAt) - julianday(startedAt)) * 86400.0 AS d FROM runs
                        WHERE finishedAt IS NOT NULL AND startedAt IS NOT NULL)
                    """)
            {
                statistics.durationCount = row["n"]
                statistics.durationSum = row["total"]
                statistics.durationBuckets = RunStatistics.bounds.enumerated().map { index, bound in
                    (bound, Int(row["b\(index)"] as Double))
                }
            }
            return statistics
        }
    }
}
