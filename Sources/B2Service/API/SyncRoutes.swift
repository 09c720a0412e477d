import B2Sync
import Foundation
import Hummingbird

/// `/v1/syncs`: CRUD, pause and resume, trigger, runs, and the catalog of synced objects.
struct SyncRoutes: Sendable {
    typealias Context = ServiceRequestContext
    let configuration: ServiceConfiguration
    let worker: RunWorker
    /// Syncs one connection may have.
    static let maximumPerConnection = 64
    /// Syncs the service may have.
    static let maximumInAll = 10_000

    func add(to groups: RoleGroups) {
        groups.operator.post("syncs", use: create)
        groups.viewer.get("syncs", use: list)
        groups.viewer.get("syncs/:id", use: get)
        groups.operator.patch("syncs/:id", use: update)
        groups.operator.delete("syncs/:id", use: delete)
        groups.operator.post("syncs/:id/pause") { request, context in try await setPaused(true, context) }
        groups.operator.post("syncs/:id/resume") { request, context in try await setPaused(false, context) }
        groups.operator.post("syncs/:id/trigger", use: trigger)
        groups.viewer.get("syncs/:id/runs", use: runs)
        groups.viewer.get("syncs/:id/runs/:run", use: run)
        groups.viewer.get("syncs/:id/objects", use: objects)
        groups.viewer.get("syncs/:id/events", use: events)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let input = try await StrictJSON.decode(SyncInput.self, from: request)
        let now = configuration.now()
        var record = try input.applied(
            to: nil, id: "sync_" + TokenIssuer.randomText(bytes: 12), now: now, roots: configuration.roots,
            by: context.token?.id)
        try seal(input.hookSecret, into: &record)
        try await checkConnection(record)
        try await checkLimits(connectionId: record.connectionId)
        let first =
            record.syncMode == SyncMode.oneTime.rawValue
            ? RunRecord.queued(syncId: record.id, trigger: "creation", at: now) : nil
        try await configuration.store.insertSync(record, queueRun: first)
        worker.wake()
        return try JSONResponse.make(SyncOutput(record), status: .created)
    }

    /// Seals a hook secret given in the body into the record (a secret is never stored in plain text).
    private func seal(_ secret: String?, into record: inout SyncRecord) throws {
        guard let secret else { return }
        record.sealedHookSecret = try configuration.secrets.seal(secret, for: record.id)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.make(JSONResponse.Page(data: try await configuration.store.syncs().map(SyncOutput.init)))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.make(SyncOutput(try await find(context)))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let existing = try await find(context)
        let input = try await StrictJSON.decode(SyncInput.self, from: request)
        var record = try input.applied(
            to: existing, id: existing.id, now: configuration.now(), roots: configuration.roots,
            by: context.token?.id)
        record.sealedHookSecret = existing.sealedHookSecret
        try seal(input.hookSecret, into: &record)
        if record.syncMode != existing.syncMode || record.pollingIntervalSeconds != existing.pollingIntervalSeconds {
            record.nextRunAt = record.syncMode == SyncMode.oneTime.rawValue ? nil : configuration.now()
        }
        try await checkConnection(record)
        if record.connectionId != existing.connectionId { try await checkLimits(connectionId: record.connectionId) }
        try await configuration.store.updateSync(record)
        worker.wake()
        return try JSONResponse.make(SyncOutput(record))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let record = try await find(context)
        let force = try Query.bool(request, "force") ?? false
        if !force, let active = try await configuration.store.activeRun(syncId: record.id) {
            throw Problem(
                .conflict, "Sync running",
                "Run \(active.id) of sync \(record.id) is \(active.status): wait for it to end, pause the sync, or "
                    + "add ?force=true")
        }
        _ = try await configuration.store.deleteSync(id: record.id)
        for path in [RunWorker.statePath, RunWorker.eventsPath] {
            try? FileManager.default.removeItem(atPath: path(record.id, configuration.stateDirectory))
        }
        return Response(status: .noContent)
    }

    func setPaused(_ paused: Bool, _ context: Context) async throws -> Response {
        var record = try await find(context)
        record.paused = paused
        record.updatedAt = configuration.now()
        record.updatedBy = context.token?.id
        if !paused, record.syncMode != SyncMode.oneTime.rawValue, record.nextRunAt == nil {
            record.nextRunAt = configuration.now()
        }
        try await configuration.store.updateSync(record)
        worker.wake()
        return try JSONResponse.make(SyncOutput(record))
    }

    @Sendable func trigger(_ request: Request, context: Context) async throws -> Response {
        let record = try await find(context)
        guard !record.paused else {
            throw Problem(
                .conflict, "Sync paused", "Sync \(record.id) is paused: resume it (POST /v1/syncs/\(record.id)/resume)")
        }
        let (run, _) = try await configuration.store.enqueue(
            RunRecord.queued(syncId: record.id, trigger: "manual", at: configuration.now()))
        worker.wake()
        return try JSONResponse.make(RunOutput(run), status: .accepted)
    }

    @Sendable func runs(_ request: Request, context: Context) async throws -> Response {
        let record = try await find(context)
        let limit = try Query.int(request, "limit", range: 1...1000) ?? 100
        return try JSONResponse.make(
            JSONResponse.Page(
                data: try await configuration.store.runs(syncId: record.id, limit: limit).map(RunOutput.init)))
    }

    @Sendable func run(_ request: Request, context: Context) async throws -> Response {
        let record = try await find(context)
        let id = try context.parameters.require("run")
        guard let run = try await configuration.store.run(id: id), run.syncId == record.id else {
            throw Problem.notFound("run", id)
        }
        return try JSONResponse.make(RunOutput(run))
    }

    @Sendable func objects(_ request: Request, context: Context) async throws -> Response {
        let record = try await find(context)
        let prefix = request.uri.queryParameters.get("prefix") ?? ""
        let after = request.uri.queryParameters.get("after")
        let limit = try Query.int(request, "limit", range: 1...1000) ?? 1000
        let path = RunWorker.statePath(of: record.id, in: configuration.stateDirectory)
        guard FileManager.default.fileExists(atPath: path) else {
            return try JSONResponse.make(JSONResponse.Page<ObjectOutput>(data: []))
        }
        let entries = try await SyncState(path: path).catalog(prefix: prefix, after: after, limit: limit)
        return try JSONResponse.make(
            JSONResponse.Page(
                data: entries.map(ObjectOutput.init), nextAfter: entries.count == limit ? entries.last?.name : nil))
    }

    /// The sync's event log, the lines `b2kit sync --events` writes, oldest first; `after` skips that many lines (the
    /// previous page's `next_after`).
    @Sendable func events(_ request: Request, context: Context) async throws -> Response {
        let record = try await find(context)
        let after = try Query.int(request, "after", range: 0...Int.max) ?? 0
        let limit = try Query.int(request, "limit", range: 1...1000) ?? 1000
        let lines = try SyncEventLog.lines(
            in: RunWorker.eventsPath(of: record.id, in: configuration.stateDirectory), after: after, limit: limit)
        return try JSONResponse.make(
            JSONResponse.Page(data: lines, nextAfter: lines.count == limit ? String(after + limit) : nil))
    }

    func find(_ context: Context) async throws -> SyncRecord {
        let id = try context.parameters.require("id")
        guard let record = try await configuration.store.sync(id: id) else { throw Problem.notFound("sync", id) }
        return record
    }

    /// Refuses a sync past the limits: `maximumPerConnection` for one connection, `maximumInAll` for the service.
    func checkLimits(connectionId: String) async throws {
        let syncs = try await configuration.store.syncs()
        guard syncs.count < Self.maximumInAll else {
            throw Problem(
                .conflict, "Too many syncs",
                "The service holds \(syncs.count) syncs, its limit of \(Self.maximumInAll): delete syncs no longer used"
            )
        }
        let used = syncs.filter { $0.connectionId == connectionId }.count
        guard used < Self.maximumPerConnection else {
            throw Problem(
                .conflict, "Too many syncs",
                "Connection \(connectionId) has \(used) syncs, the limit of \(Self.maximumPerConnection) per "
                    + "connection: delete one, or widen one sync's prefix and globs instead of adding another")
        }
    }

    /// The connection must exist, and hold the capabilities writing into B2 needs when the destination is a bucket.
    func checkConnection(_ record: SyncRecord) async throws {
        guard let connection = try await configuration.store.connection(id: record.connectionId) else {
            throw Problem.invalid(
                "connection_id",
                "No connection has the id '\(record.connectionId)': create one with POST /v1/connections")
        }
        let lower = record.destination.lowercased()
        guard lower.hasPrefix("b2://") || lower.hasPrefix("s3://") else { return }
        let needed = ["writeFiles"] + (record.deleteExtraneous ? ["deleteFiles"] : [])
        let missing = needed.filter { !connection.capabilities.contains($0) }
        guard missing.isEmpty else {
            throw Problem.invalid(
                "connection_id",
                "Connection \(connection.id)'s key lacks \(missing.joined(separator: ", ")), needed to sync into B2: "
                    + "rotate it to a key that has it")
        }
    }
}

/// One catalog row as the API shows it.
struct ObjectOutput: Encodable, Sendable {
    var name: String
    var size: Int64
    var sha1: String?
    var contentType: String?
    var modifiedMillis: Int64
    var localPath: String?
    var syncedAt: Int64

    enum CodingKeys: String, CodingKey {
        case name, size, sha1
        case contentType = "content_type"
        case modifiedMillis = "modified_millis"
        case localPath = "local_path"
        case syncedAt = "synced_at"
    }

    init(_ entry: CatalogEntry) {
        name = entry.name
        size = entry.size
        sha1 = entry.sha1
        contentType = entry.contentType
        modifiedMillis = entry.modifiedMillis
        localPath = entry.localPath
        syncedAt = entry.syncedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(size, forKey: .size)
        try container.encode(sha1, forKey: .sha1)
        try container.encode(contentType, forKey: .contentType)
        try container.encode(modifiedMillis, forKey: .modifiedMillis)
        try container.encode(localPath, forKey: .localPath)
        try container.encode(syncedAt, forKey: .syncedAt)
    }
}
