import Foundation
import ServiceLifecycle

/// Where the service keeps tokens, connections, syncs and runs: SQLite by default; the protocol lets PostgreSQL be
/// a second implementation.
public protocol ServiceStore: Sendable {
    /// What must run while the store is used, e.g. PostgreSQL's connection pool: the service runs them in its
    /// `ServiceGroup` beside the worker, and `ServiceDatabase.withStore` around one command.
    var services: [any Service] { get }

    /// Stores a new token.
    func insertToken(_ token: TokenRecord) async throws
    /// The unrevoked token with this hash, if any.
    func validToken(hash: String) async throws -> TokenRecord?
    /// Every token, newest first.
    func tokens() async throws -> [TokenRecord]
    /// Revokes a token; false when no valid token has the id.
    func revokeToken(id: String, at date: Date) async throws -> Bool
    /// Stores when a token last authenticated a request.
    func touchToken(id: String, at date: Date) async throws

    /// Stores a new connection.
    func insertConnection(_ connection: ConnectionRecord) async throws
    /// Replaces a connection.
    func updateConnection(_ connection: ConnectionRecord) async throws
    /// The connection with the id, if any.
    func connection(id: String) async throws -> ConnectionRecord?
    /// Every connection, oldest first.
    func connections() async throws -> [ConnectionRecord]
    /// Deletes a connection: refused (returning the number of syncs using it) while syncs use it unless `force`,
    /// which deletes those syncs too.
    func deleteConnection(id: String, force: Bool) async throws -> ConnectionDeletion

    /// Stores a new sync; with `queueRun` also queues its first run, in the same transaction.
    func insertSync(_ sync: SyncRecord, queueRun: RunRecord?) async throws
    /// Replaces a sync.
    func updateSync(_ sync: SyncRecord) async throws
    /// The sync with the id, if any.
    func sync(id: String) async throws -> SyncRecord?
    /// Every sync, oldest first.
    func syncs() async throws -> [SyncRecord]
    /// Deletes a sync and its runs; false when none has the id.
    func deleteSync(id: String) async throws -> Bool

    /// Queues `run` unless its sync has an active run, which is returned instead (with `false`).
    func enqueue(_ run: RunRecord) async throws -> (run: RunRecord, created: Bool)
    /// Adds `names` to the run with the id while it is still queued (a full run already covers them); false once
    /// it is running or over, when a later run must cover them.
    func addObjectNames(_ names: [String], toQueuedRun id: String) async throws -> Bool
    /// The run with the id, if any.
    func run(id: String) async throws -> RunRecord?
    /// The newest runs of a sync.
    func runs(syncId: String, limit: Int) async throws -> [RunRecord]
    /// The queued or running run of a sync, if any.
    func activeRun(syncId: String) async throws -> RunRecord?
    /// Marks the oldest queued run of an unpaused sync as running and returns it, or nil when none is queued.
    func claimNextRun(at date: Date) async throws -> RunRecord?
    /// Queues again the runs a previous process left running (it was stopped mid-run); returns how many.
    func requeueInterruptedRuns() async throws -> Int
    /// Stores a run's end, and the sync's next due time.
    func finishRun(_ run: RunRecord, nextRunAt: Date?) async throws
    /// Unpaused scheduled and continuous syncs due at `date` with no active run.
    func dueSyncs(at date: Date) async throws -> [SyncRecord]
    /// Totals over all runs, for `/metrics`.
    func runStatistics() async throws -> RunStatistics
    /// How long a claimed run stays this process's without a renewal; another process may take it over after.
    var leaseDuration: Duration { get }
    /// Extends this process's lease on a running run; false when another process has taken it over.
    func renewLease(runId: String) async throws -> Bool
}

extension ServiceStore {
    /// One process owns a SQLite database: its leases never expire.
    public var leaseDuration: Duration { .seconds(3600) }
    /// One process owns a SQLite database: its leases never expire.
    public func renewLease(runId: String) async throws -> Bool { true }
    /// A SQLite store needs nothing running beside it.
    public var services: [any Service] { [] }
}

/// What deleting a connection did.
public enum ConnectionDeletion: Sendable, Equatable {
    /// It was deleted (with this many syncs, when forced).
    case deleted(syncs: Int)
    /// Syncs use it; nothing was deleted.
    case inUse(syncs: Int)
    /// No connection has the id.
    case notFound
}
