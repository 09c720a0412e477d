import B2Kit
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The service's store on PostgreSQL (postgres-nio): the SQLite store's schema and semantics, so several
/// `b2kit service` processes can share one database; runs are claimed with `FOR UPDATE SKIP LOCKED`.
public struct PostgresServiceStore: ServiceStore {
    let client: PostgresClient
    /// Where the database is.
    let connection: PostgresConnection.Configuration
    let logger: Logger
    /// This process's name in `runs.lease_owner`.
    let owner = UUID().uuidString
    /// As `ServiceStore` documents it.
    public let leaseDuration: Duration

    /// Connects to `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` and migrates the schema. Its queries are served
    /// once `services` run, e.g. in the service's `ServiceGroup` or in `ServiceDatabase.withStore`.
    /// - Throws: `B2Error` `.usage` for a malformed URL, `.localFile` when the database cannot be reached.
    public init(
        url: String, leaseDuration: Duration = .seconds(60), logger: Logger = Logger(label: "b2kit.service.postgres")
    ) async throws {
        self.leaseDuration = leaseDuration
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw B2Error(.usage, "--db \(Self.redacted(url)) is not a postgres://USER@HOST:PORT/DATABASE URL")
        }
        let path = String(components.path.drop(while: { $0 == "/" }))
        let (port, user, password) = (components.port ?? 5432, components.user ?? "postgres", components.password)
        let database = path.isEmpty ? nil : path
        let connection = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        do {
            try await Self.withConnection(connection, logger: logger) { try await Self.migrate($0, logger: logger) }
        } catch {
            throw B2Error(
                .localFile,
                "Cannot open the service database \(Self.redacted(url)): \(String(reflecting: error)). "
                    + "Check that PostgreSQL runs there and the database exists",
                cause: DescribedError(error))
        }
        self.connection = connection
        // The pool runs as one of `services`; a query made before it starts waits for it, which PostgresNIO warns
        // about, so its own log says only errors. Failures that matter are thrown by the queries themselves.
        var background = logger
        background.logLevel = .error
        let pool = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        self.client = PostgresClient(configuration: pool, backgroundLogger: background)
        self.logger = logger
    }

    /// The connection pool, which runs beside the worker in the service's `ServiceGroup` and ends with it.
    public var services: [any Service] { [client] }

    /// The URL without its password.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://..."
    }

    /// Runs `body` on one connection of its own, outside the pool, and closes it.
    @discardableResult
    static func withConnection<Result>(
        _ configuration: PostgresConnection.Configuration, logger: Logger,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Creates or upgrades the schema; `init` runs it on a connection of its own, before the pool runs.
    private static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            // One process migrates at a time.
            try await connection.query("SELECT pg_advisory_xact_lock(727274)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS tokens (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
                    "createdAt" TIMESTAMPTZ NOT NULL, "revokedAt" TIMESTAMPTZ)
                """, logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS connections (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, "keyId" TEXT NOT NULL, "sealedKey" BYTEA NOT NULL,
                    "accountId" TEXT NOT NULL, capabilities TEXT[] NOT NULL, "allowedBucket" TEXT,
                    "namePrefix" TEXT, "createdAt" TIMESTAMPTZ NOT NULL, "updatedAt" TIMESTAMPTZ NOT NULL)
                """, logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS syncs (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL,
                    "connectionId" TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
                    "sourcePath" TEXT NOT NULL, destination TEXT NOT NULL, "syncMode" TEXT NOT NULL,
                    "pollingIntervalSeconds" BIGINT NOT NULL, "includePatterns" TEXT[] NOT NULL,
                    "excludePatterns" TEXT[] NOT NULL, "modifiedSince" TEXT, "deleteExtraneous" BOOLEAN NOT NULL,
                    paused BOOLEAN NOT NULL, "nextRunAt" TIMESTAMPTZ, "createdAt" TIMESTAMPTZ NOT NULL,
                    "updatedAt" TIMESTAMPTZ NOT NULL)
                """, logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS runs (
                    id TEXT PRIMARY KEY, "syncId" TEXT NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
                    status TEXT NOT NULL, trigger TEXT NOT NULL, copied BIGINT NOT NULL, skipped BIGINT NOT NULL,
                    deleted BIGINT NOT NULL, failed BIGINT NOT NULL, bytes BIGINT NOT NULL, errors TEXT[] NOT NULL,
                    message TEXT, "queuedAt" TIMESTAMPTZ NOT NULL, "startedAt" TIMESTAMPTZ,
                    "finishedAt" TIMESTAMPTZ, lease_owner TEXT, lease_expires_at TIMESTAMPTZ)
                """, logger: logger)
            try await connection.query(
                """
                CREATE UNIQUE INDEX IF NOT EXISTS runs_one_active ON runs("syncId")
                WHERE status IN ('queued', 'running')
                """, logger: logger)
            // Roles: tokens made before them become operators, as on SQLite.
            try await connection.query(
                """
                ALTER TABLE tokens ADD COLUMN IF NOT EXISTS role TEXT NOT NULL DEFAULT 'operator',
                    ADD COLUMN IF NOT EXISTS "lastUsedAt" TIMESTAMPTZ
                """, logger: logger)
            try await connection.query(
                """
                ALTER TABLE syncs ADD COLUMN IF NOT EXISTS "sealedHookSecret" TEXT
                """, logger: logger)
            try await connection.query(
                """
                ALTER TABLE runs ADD COLUMN IF NOT EXISTS "objectNames" TEXT[]
                """, logger: logger)
            for table in ["connections", "syncs"] {
                try await connection.query(
                    """
                    ALTER TABLE \(unescaped: table) ADD COLUMN IF NOT EXISTS "createdBy" TEXT,
                        ADD COLUMN IF NOT EXISTS "updatedBy" TEXT
                    """, logger: logger)
            }
        }
    }

    // MARK: tokens

    static let tokenColumns = #"id, name, hash, "createdAt", "revokedAt", role, "lastUsedAt""#

    static func token(_ row: PostgresRow) throws -> TokenRecord {
        let (id, name, hash, createdAt, revokedAt, role, lastUsedAt) = try row.decode(
            (String, String, String, Date, Date?, String, Date?).self)
        return TokenRecord(
            id: id, name: name, hash: hash, createdAt: createdAt, revokedAt: revokedAt, role: role,
            lastUsedAt: lastUsedAt)
    }

    /// As `ServiceStore` documents it.
    public func insertToken(_ token: TokenRecord) async throws {
        try await client.query(
            """
            INSERT INTO tokens (\(unescaped: Self.tokenColumns))
            VALUES (\(token.id), \(token.name), \(token.hash), \(token.createdAt), \(token.revokedAt), \(token.role),
                    \(token.lastUsedAt))
            """, logger: logger)
    }

    /// As `ServiceStore` documents it.
    public func touchToken(id: String, at date: Date) async throws {
        try await client.query("UPDATE tokens SET \"lastUsedAt\" = \(date) WHERE id = \(id)", logger: logger)
    }

    /// As `ServiceStore` documents it.
    public func validToken(hash: String) async throws -> TokenRecord? {
        try await first(
            try await client.query(
                "SELECT \(unescaped: Self.tokenColumns) FROM tokens WHERE hash = \(hash) AND \"revokedAt\" IS NULL",
                logger: logger), Self.token)
    }

    /// As `ServiceStore` documents it.
    public func tokens() async throws -> [TokenRecord] {
        try await all(
            try await client.query(
                "SELECT \(unescaped: Self.tokenColumns) FROM tokens ORDER BY \"createdAt\" DESC", logger: logger),
            Self.token)
    }

    /// As `ServiceStore` documents it.
    public func revokeToken(id: String, at date: Date) async throws -> Bool {
        try await first(
            try await client.query(
                "UPDATE tokens SET \"revokedAt\" = \(date) WHERE id = \(id) AND \"revokedAt\" IS NULL RETURNING id",
                logger: logger), { try $0.decode(String.self) }) != nil
    }

    // MARK: connections

    static let connectionColumns =
        #"id, name, "keyId", "sealedKey", "accountId", capabilities, "allowedBucket", "namePrefix", "createdAt", "updatedAt", "createdBy", "updatedBy""#

    static func connection(_ row: PostgresRow) throws -> ConnectionRecord {
        let (
            id, name, keyId, sealedKey, accountId, capabilities, allowedBucket, namePrefix, createdAt, updatedAt,
            createdBy, updatedBy
        ) = try row.decode(
            (String, String, String, Data, String, [String], String?, String?, Date, Date, String?, String?).self)
        return ConnectionRecord(
            id: id, name: name, keyId: keyId, sealedKey: sealedKey, accountId: accountId,
            capabilities: capabilities, allowedBucket: allowedBucket, namePrefix: namePrefix, createdAt: createdAt,
            updatedAt: updatedAt, createdBy: createdBy, updatedBy: updatedBy)
    }

    /// As `ServiceStore` documents it.
    public func insertConnection(_ connection: ConnectionRecord) async throws {
        try await client.query(
            """
            INSERT INTO connections (\(unescaped: Self.connectionColumns))
            VALUES (\(connection.id), \(connection.name), \(connection.keyId), \(connection.sealedKey),
                    \(connection.accountId), \(connection.capabilities), \(connection.allowedBucket),
                    \(connection.namePrefix), \(connection.createdAt), \(connection.updatedAt),
                    \(connection.createdBy), \(connection.updatedBy))
            """, logger: logger)
    }

    /// As `ServiceStore` documents it.
    public func updateConnection(_ connection: ConnectionRecord) async throws {
        try await client.query(
            """
            UPDATE connections SET name = \(connection.name), "keyId" = \(connection.keyId),
                "sealedKey" = \(connection.sealedKey), "accountId" = \(connection.accountId),
                capabilities = \(connection.capabilities), "allowedBucket" = \(connection.allowedBucket),
                "namePrefix" = \(connection.namePrefix), "createdAt" = \(connection.createdAt),
                "updatedAt" = \(connection.updatedAt), "createdBy" = \(connection.createdBy),
                "updatedBy" = \(connection.updatedBy)
            WHERE id = \(connection.id)
            """, logger: logger)
    }

    /// As `ServiceStore` documents it.
    public func connection(id: String) async throws -> ConnectionRecord? {
        try await first(
            try await client.query(
                "SELECT \(unescaped: Self.connectionColumns) FROM connections WHERE id = \(id)", logger: logger),
            Self.connection)
    }

    /// As `ServiceStore` documents it.
    public func connections() async throws -> [ConnectionRecord] {
        try await all(
            try await client.query(
                "SELECT \(unescaped: Self.connectionColumns) FROM connections ORDER BY \"createdAt\", id",
                logger: logger), Self.connection)
    }

    /// As `ServiceStore` documents it.
    public func deleteConnection(id: String, force: Bool) async throws -> ConnectionDeletion {
        try await client.withTransaction(logger: logger) { connection in
            let found = try await connection.query(
                "SELECT id FROM connections WHERE id = \(id) FOR UPDATE", logger: logger)
            var exists = false
            for try await _ in found { exists = true }
            guard exists else { return .notFound }
            var users = 0
            for try await count in try await connection.query(
                "SELECT COUNT(*) FROM syncs WHERE \"connectionId\" = \(id)", logger: logger
            ).decode(Int.self) {
                users = count
            }
            if users > 0, !force { return .inUse(syncs: users) }
            try await connection.query("DELETE FROM connections WHERE id = \(id)", logger: logger)
            return .deleted(syncs: users)
        }
    }

    // MARK: syncs

    static let syncColumns = """
        id, name, "connectionId", "sourcePath", destination, "syncMode", "pollingIntervalSeconds", \
        "includePatterns", "excludePatterns", "modifiedSince", "deleteExtraneous", paused, "nextRunAt", \
        "createdAt", "updatedAt", "createdBy", "updatedBy", "sealedHookSecret"
        """

    static func sync(_ row: PostgresRow) throws -> SyncRecord {
        let (
            id, name, connectionId, sourcePath, destination, syncMode, interval, includes, excludes, modifiedSince,
            deleteExtraneous, paused, nextRunAt, createdAt, updatedAt, createdBy, updatedBy, hookSecret
        ) = try row.decode(
            (
                String, String, String, String, String, String, Int, [String], [String], String?, Bool, Bool, Date?,
                Date, Date, String?, String?, String?
            ).self)
        return SyncRecord(
            id: id, name: name, connectionId: connectionId, sourcePath: sourcePath, destination: destination,
            syncMode: syncMode, pollingIntervalSeconds: interval, includePatterns: includes,
            excludePatterns: excludes, modifiedSince: modifiedSince, deleteExtraneous: deleteExtraneous,
            paused: paused, nextRunAt: nextRunAt, createdAt: createdAt, updatedAt: updatedAt, createdBy: createdBy,
            updatedBy: updatedBy, sealedHookSecret: hookSecret.flatMap { Data(base64Encoded: $0) })
    }

    static func insertQuery(_ sync: SyncRecord) -> PostgresQuery {
        """
        INSERT INTO syncs (\(unescaped: syncColumns))
        VALUES (\(sync.id), \(sync.name), \(sync.connectionId), \(sync.sourcePath), \(sync.destination),
                \(sync.syncMode), \(sync.pollingIntervalSeconds), \(sync.includePatterns), \(sync.excludePatterns),
                \(sync.modifiedSince), \(sync.deleteExtraneous), \(sync.paused), \(sync.nextRunAt),
                \(sync.createdAt), \(sync.updatedAt), \(sync.createdBy), \(sync.updatedBy),
                \(sync.sealedHookSecret?.base64EncodedString()))
        """
    }

    /// As `ServiceStore` documents it.
    public func insertSync(_ sync: SyncRecord, queueRun: RunRecord?) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(Self.insertQuery(sync), logger: logger)
            if let queueRun { try await connection.query(Self.insertQuery(queueRun), logger: logger) }
        }
    }

    /// As `ServiceStore` documents it.
    public func updateSync(_ sync: SyncRecord) async throws {
        try await client.query(
            """
            UPDATE syncs SET name = \(sync.name), "connectionId" = \(sync.connectionId),
                "sourcePath" = \(sync.sourcePath), destination = \(sync.destination), "syncMode" = \(sync.syncMode),
                "pollingIntervalSeconds" = \(sync.pollingIntervalSeconds),
                "includePatterns" = \(sync.includePatterns), "excludePatterns" = \(sync.excludePatterns),
                "modifiedSince" = \(sync.modifiedSince), "deleteExtraneous" = \(sync.deleteExtraneous),
                paused = \(sync.paused), "nextRunAt" = \(sync.nextRunAt), "createdAt" = \(sync.createdAt),
                "updatedAt" = \(sync.updatedAt), "createdBy" = \(sync.createdBy), "updatedBy" = \(sync.updatedBy),
                "sealedHookSecret" = \(sync.sealedHookSecret?.base64EncodedString())
            WHERE id = \(sync.id)
            """, logger: logger)
    }

    /// As `ServiceStore` documents it.
    public func sync(id: String) async throws -> SyncRecord? {
        try await first(
            try await client.query("SELECT \(unescaped: Self.syncColumns) FROM syncs WHERE id = \(id)", logger: logger),
            Self.sync)
    }

    /// As `ServiceStore` documents it.
    public func syncs() async throws -> [SyncRecord] {
        try await all(
            try await client.query(
                "SELECT \(unescaped: Self.syncColumns) FROM syncs ORDER BY \"createdAt\", id", logger: logger),
            Self.sync)
    }

    /// As `ServiceStore` documents it.
    public func deleteSync(id: String) async throws -> Bool {
        try await first(
            try await client.query("DELETE FROM syncs WHERE id = \(id) RETURNING id", logger: logger),
            { try $0.decode(String.self) }) != nil
    }

    // MARK: runs

    static let runColumns = """
        id, "syncId", status, trigger, copied, skipped, deleted, failed, bytes, errors, message, "queuedAt", \
        "startedAt", "finishedAt", "objectNames"
        """

    static let qualifiedRunColumns = runColumns.split(separator: ",")
        .map { "runs." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    static func run(_ row: PostgresRow) throws -> RunRecord {
        let (
            id, syncId, status, trigger, copied, skipped, deleted, failed, bytes, errors, message, queuedAt,
            startedAt, finishedAt, objectNames
        ) = try row.decode(
            (
                String, String, String, String, Int, Int, Int, Int, Int64, [String], String?, Date, Date?, Date?,
                [String]?
            )
            .self)
        guard let status = RunRecord.Status(rawValue: status) else {
            throw B2Error(
                .localFile,
                "Run \(id) has the status '\(status)', which this b2kit does not know: the database was written by a "
                    + "newer b2kit, or by hand")
        }
        return RunRecord(
            id: id, syncId: syncId, status: status, trigger: trigger, copied: copied, skipped: skipped,
            deleted: deleted, failed: failed, bytes: bytes, errors: errors, message: message, queuedAt: queuedAt,
            startedAt: startedAt, finishedAt: finishedAt, objectNames: objectNames)
    }

    static func insertQuery(_ run: RunRecord) -> PostgresQuery {
        """
        INSERT INTO runs (\(unescaped: runColumns))
        VALUES (\(run.id), \(run.syncId), \(run.status.rawValue), \(run.trigger), \(run.copied), \(run.skipped),
                \(run.deleted), \(run.failed), \(run.bytes), \(run.errors), \(run.message), \(run.queuedAt),
                \(run.startedAt), \(run.finishedAt), \(run.objectNames))
        """
    }

    /// As `ServiceStore` documents it.
    public func enqueue(_ run: RunRecord) async throws -> (run: RunRecord, created: Bool) {
        // The partial unique index refuses a second active run; ON CONFLICT makes that race a read.
        let inserted = try await first(
            try await client.query(
                """
                INSERT INTO runs (\(unescaped: Self.runColumns))
                VALUES (\(run.id), \(run.syncId), \(run.status.rawValue), \(run.trigger), \(run.copied), \(run.skipped),
                        \(run.deleted), \(run.failed), \(run.bytes), \(run.errors), \(run.message), \(run.queuedAt),
                        \(run.startedAt), \(run.finishedAt), \(run.objectNames))
                ON CONFLICT ("syncId") WHERE status IN ('queued', 'running') DO NOTHING RETURNING id
                """, logger: logger), { try $0.decode(String.self) })
        if inserted != nil { return (run, true) }
        if let active = try await activeRun(syncId: run.syncId) { return (active, false) }
        return try await enqueue(run)
    }

    /// As `ServiceStore` documents it: one statement, so a claim between the check and the change cannot happen.
    public func addObjectNames(_ names: [String], toQueuedRun id: String) async throws -> Bool {
        try await first(
            try await client.query(
                """
                UPDATE runs SET "objectNames" = CASE WHEN "objectNames" IS NULL THEN NULL
                    ELSE array_cat("objectNames", \(names)) END
                WHERE id = \(id) AND status = 'queued' RETURNING id
                """, logger: logger), { try $0.decode(String.self) }) != nil
    }

    /// As `ServiceStore` documents it.
    public func run(id: String) async throws -> RunRecord? {
        try await first(
            try await client.query("SELECT \(unescaped: Self.runColumns) FROM runs WHERE id = \(id)", logger: logger),
            Self.run)
    }

    /// As `ServiceStore` documents it.
    public func runs(syncId: String, limit: Int) async throws -> [RunRecord] {
        try await all(
            try await client.query(
                """
                SELECT \(unescaped: Self.runColumns) FROM runs WHERE "syncId" = \(syncId)
                ORDER BY "queuedAt" DESC, id DESC LIMIT \(limit)
                """, logger: logger), Self.run)
    }

    /// As `ServiceStore` documents it.
    public func activeRun(syncId: String) async throws -> RunRecord? {
        try await first(
            try await client.query(
                """
                SELECT \(unescaped: Self.runColumns) FROM runs
                WHERE "syncId" = \(syncId) AND status IN ('queued', 'running')
                """, logger: logger), Self.run)
    }

    var leaseSeconds: Double { Double(leaseDuration.components.seconds) }

    /// As `ServiceStore` documents it, and also a running run whose lease expired (its process died): the claim
    /// takes a row lock that concurrent claimers skip (`FOR UPDATE SKIP LOCKED`), so each run goes to exactly one
    /// process, under a lease (`lease_owner`, `lease_expires_at`, the database's clock) the worker renews.
    public func claimNextRun(at date: Date) async throws -> RunRecord? {
        try await first(
            try await client.query(
                """
                UPDATE runs SET status = 'running', "startedAt" = COALESCE("startedAt", \(date)),
                    lease_owner = \(owner),
                    lease_expires_at = clock_timestamp() + make_interval(secs => \(leaseSeconds))
                WHERE id = (
                    SELECT runs.id FROM runs JOIN syncs ON syncs.id = runs."syncId"
                    WHERE (runs.status = 'queued'
                           OR (runs.status = 'running'
                               AND COALESCE(runs.lease_expires_at < clock_timestamp(), TRUE)))
                      AND NOT syncs.paused
                    ORDER BY runs."queuedAt", runs.id LIMIT 1 FOR UPDATE OF runs SKIP LOCKED)
                RETURNING \(unescaped: Self.qualifiedRunColumns)
                """, logger: logger), Self.run)
    }

    /// As `ServiceStore` documents it.
    public func renewLease(runId: String) async throws -> Bool {
        try await first(
            try await client.query(
                """
                UPDATE runs SET lease_expires_at = clock_timestamp() + make_interval(secs => \(leaseSeconds))
                WHERE id = \(runId) AND status = 'running' AND lease_owner = \(owner) RETURNING id
                """, logger: logger), { try $0.decode(String.self) }) != nil
    }

    /// Other processes may be running their runs: only runs whose lease expired count as interrupted, and
    /// `claimNextRun` takes those over directly; this returns how many there are.
    public func requeueInterruptedRuns() async throws -> Int {
        try await all(
            try await client.query(
                """
                SELECT id FROM runs
                WHERE status = 'running' AND COALESCE(lease_expires_at < clock_timestamp(), TRUE)
                """,
                logger: logger), { try $0.decode(String.self) }
        ).count
    }

    /// As `ServiceStore` documents it.
    public func finishRun(_ run: RunRecord, nextRunAt: Date?) async throws {
        let owner = owner
        try await client.withTransaction(logger: logger) { connection in
            // Locks in the order a deletion of the sync takes them (the sync, then its runs, by cascade), so the
            // two wait for each other instead of deadlocking; a deleted sync leaves nothing to update.
            try await connection.query(
                "SELECT id FROM syncs WHERE id = \(run.syncId) FOR UPDATE", logger: logger)
            // A run another process took over (this one's lease expired) is that process's to finish.
            var updated = false
            for try await _ in try await connection.query(
                """
                UPDATE runs SET status = \(run.status.rawValue), trigger = \(run.trigger), copied = \(run.copied),
                    skipped = \(run.skipped), deleted = \(run.deleted), failed = \(run.failed), bytes = \(run.bytes),
                    errors = \(run.errors), message = \(run.message), "queuedAt" = \(run.queuedAt),
                    "startedAt" = \(run.startedAt), "finishedAt" = \(run.finishedAt),
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(run.id) AND lease_owner = \(owner) RETURNING id
                """, logger: logger)
            {
                updated = true
            }
            guard updated else { return }
            try await connection.query(
                "UPDATE syncs SET \"nextRunAt\" = \(nextRunAt) WHERE id = \(run.syncId)", logger: logger)
        }
    }

    /// As `ServiceStore` documents it.
    public func dueSyncs(at date: Date) async throws -> [SyncRecord] {
        try await all(
            try await client.query(
                """
                SELECT \(unescaped: Self.syncColumns) FROM syncs
                WHERE NOT paused AND "syncMode" IN ('scheduled', 'continuous', 'events')
                AND "nextRunAt" IS NOT NULL AND "nextRunAt" <= \(date)
                AND NOT EXISTS (SELECT 1 FROM runs WHERE runs."syncId" = syncs.id
                                AND runs.status IN ('queued', 'running'))
                ORDER BY "nextRunAt"
                """, logger: logger), Self.sync)
    }

    /// As `ServiceStore` documents it.
    public func runStatistics() async throws -> RunStatistics {
        var statistics = RunStatistics()
        for try await (status, count, copied, skipped, deleted, failed, bytes) in try await client.query(
            """
            SELECT status, COUNT(*)::BIGINT, COALESCE(SUM(copied), 0)::BIGINT, COALESCE(SUM(skipped), 0)::BIGINT,
                   COALESCE(SUM(deleted), 0)::BIGINT, COALESCE(SUM(failed), 0)::BIGINT,
                   COALESCE(SUM(bytes), 0)::BIGINT
            FROM runs GROUP BY status
            """, logger: logger
        ).decode((String, Int, Int, Int, Int, Int, Int64).self) {
            statistics.runs[status] = count
            statistics.copied += copied
            statistics.skipped += skipped
            statistics.deleted += deleted
            statistics.failed += failed
            statistics.bytes += bytes
        }
        let durations = """
            WITH d AS (SELECT EXTRACT(EPOCH FROM ("finishedAt" - "startedAt"))::DOUBLE PRECISION AS s FROM runs
                       WHERE "finishedAt" IS NOT NULL AND "startedAt" IS NOT NULL)
            """
        for try await (count, sum) in try await client.query(
            "\(unescaped: durations) SELECT COUNT(*)::BIGINT, COALESCE(SUM(s), 0)::DOUBLE PRECISION FROM d",
            logger: logger
        ).decode((Int, Double).self) {
            statistics.durationCount = count
            statistics.durationSum = sum
        }
        statistics.durationBuckets = []
        for try await (bound, count) in try await client.query(
            """
            \(unescaped: durations) SELECT bound, (SELECT COUNT(*) FROM d WHERE s <= bound)::BIGINT
            FROM unnest(\(RunStatistics.bounds)::DOUBLE PRECISION[]) AS bound ORDER BY bound
            """, logger: logger
        ).decode((Double, Int).self) {
            statistics.durationBuckets.append((bound, count))
        }
        return statistics
    }

    // MARK: helpers

    func first<T>(_ rows: PostgresRowSequence, _ transform: (PostgresRow) throws -> T) async throws -> T? {
        var result: T?
        for try await row in rows where result == nil { result = try transform(row) }
        return result
    }

    func all<T>(_ rows: PostgresRowSequence, _ transform: (PostgresRow) throws -> T) async throws -> [T] {
        var result: [T] = []
        for try await row in rows { result.append(try transform(row)) }
        return result
    }
}
