import B2SigV4
import B2Sync
import Foundation

/// The fields of a sync a client may send: all of them on `POST`, any of them on `PATCH`.
struct SyncInput: Decodable, Sendable {
    /// The seconds a scheduled or continuous sync may wait between runs.
    static let intervals = 30...86_400
    var name: String?
    var connectionId: String?
    var sourcePath: String?
    var destination: String?
    var syncMode: SyncMode?
    var pollingIntervalSeconds: Int?
    var includePatterns: [String]?
    var excludePatterns: [String]?
    var modifiedSince: String??
    var delete: Bool?
    /// An `events` sync's hook secret: the notification rule's `hmacSha256SigningSecret` (write-only).
    var hookSecret: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, destination, delete
        case hookSecret = "hook_secret"
        case connectionId = "connection_id"
        case sourcePath = "source_path"
        case syncMode = "sync_mode"
        case pollingIntervalSeconds = "polling_interval_seconds"
        case includePatterns = "include_patterns"
        case excludePatterns = "exclude_patterns"
        case modifiedSince = "modified_since"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        connectionId = try container.decodeIfPresent(String.self, forKey: .connectionId)
        sourcePath = try container.decodeIfPresent(String.self, forKey: .sourcePath)
        destination = try container.decodeIfPresent(String.self, forKey: .destination)
        if let mode = try container.decodeIfPresent(String.self, forKey: .syncMode) {
            guard let known = SyncMode(rawValue: mode) else {
                throw Problem.invalid(
                    "sync_mode", "sync_mode must be one_time, scheduled, continuous or events, not \"\(mode)\"")
            }
            syncMode = known
        }
        pollingIntervalSeconds = try container.decodeIfPresent(Int.self, forKey: .pollingIntervalSeconds)
        includePatterns = try container.decodeIfPresent([String].self, forKey: .includePatterns)
        excludePatterns = try container.decodeIfPresent([String].self, forKey: .excludePatterns)
        if container.contains(.modifiedSince) {
            modifiedSince = .some(try container.decodeIfPresent(String.self, forKey: .modifiedSince))
        }
        delete = try container.decodeIfPresent(Bool.self, forKey: .delete)
        hookSecret = try container.decodeIfPresent(String.self, forKey: .hookSecret)
        if let hookSecret, !EventNotificationSignature.isValidSecret(hookSecret) {
            throw Problem.invalid("hook_secret", "hook_secret must be 32 letters and digits, as B2's signing secret is")
        }
    }

    /// This input applied over `record` (or over nothing, for a creation), checked as a whole; the local side must
    /// resolve inside `roots`.
    /// - Throws: `Problem` 422 naming the field at fault.
    func applied(to record: SyncRecord?, id: String, now: Date, roots: ServiceRoots, by token: String?) throws
        -> SyncRecord
    {
        func need<T>(_ value: T?, _ existing: T?, _ field: String) throws -> T {
            guard let value = value ?? existing else { throw Problem.invalid(field, "Field '\(field)' is required") }
            return value
        }
        let mode = try need(syncMode, record.flatMap { SyncMode(rawValue: $0.syncMode) }, "sync_mode")
        let interval = pollingIntervalSeconds ?? record?.pollingIntervalSeconds ?? (mode == .oneTime ? 0 : 3600)
        guard interval >= 0 else {
            throw Problem.invalid(
                "polling_interval_seconds", "polling_interval_seconds must be 0 or more seconds, not \(interval)")
        }
        guard mode == .oneTime || Self.intervals.contains(interval), interval <= Self.intervals.upperBound else {
            throw Problem.invalid(
                "polling_interval_seconds",
                "polling_interval_seconds must be \(Self.intervals.lowerBound) to \(Self.intervals.upperBound) (a day) "
                    + "for scheduled, continuous and events syncs, not \(interval)")
        }
        if mode == .events, hookSecret == nil, record?.sealedHookSecret == nil {
            throw Problem.invalid(
                "hook_secret",
                "An events sync needs hook_secret: the 32-character signing secret of the bucket's notification rule "
                    + "that posts to /v1/hooks/{id}")
        }
        let source = try need(sourcePath, record?.sourcePath, "source_path")
        let target = try need(destination, record?.destination, "destination")
        _ = try Validation.sides(source: source, destination: target, roots: roots)
        let includes = includePatterns ?? record?.includePatterns ?? []
        let excludes = excludePatterns ?? record?.excludePatterns ?? []
        let since: String? = modifiedSince ?? record?.modifiedSince
        _ = try Validation.filter(include: includes, exclude: excludes, modifiedSince: since)
        let name = self.name ?? record?.name ?? source
        try Validation.name(name)
        return SyncRecord(
            id: id,
            name: name,
            connectionId: try need(connectionId, record?.connectionId, "connection_id"),
            sourcePath: source,
            destination: target,
            syncMode: mode.rawValue,
            pollingIntervalSeconds: interval,
            includePatterns: includes,
            excludePatterns: excludes,
            modifiedSince: since,
            deleteExtraneous: delete ?? record?.deleteExtraneous ?? false,
            paused: record?.paused ?? false,
            nextRunAt: record == nil ? (mode == .oneTime ? nil : now) : record?.nextRunAt,
            createdAt: record?.createdAt ?? now,
            updatedAt: now,
            createdBy: record == nil ? token : record?.createdBy,
            updatedBy: token
        )
    }
}

/// A sync as the API shows it.
struct SyncOutput: Encodable, Sendable {
    var id: String
    var name: String
    var connectionId: String
    var sourcePath: String
    var destination: String
    var syncMode: String
    var pollingIntervalSeconds: Int
    var includePatterns: [String]
    var excludePatterns: [String]
    var modifiedSince: String?
    var delete: Bool
    var paused: Bool
    var nextRunAt: Date?
    var createdAt: Date
    var updatedAt: Date
    var createdBy: String?
    var updatedBy: String?
    /// Where B2 posts an `events` sync's notifications (nil for the other modes).
    var hookPath: String?

    enum CodingKeys: String, CodingKey {
        case id, name, destination, delete, paused
        case hookPath = "hook_path"
        case connectionId = "connection_id"
        case sourcePath = "source_path"
        case syncMode = "sync_mode"
        case pollingIntervalSeconds = "polling_interval_seconds"
        case includePatterns = "include_patterns"
        case excludePatterns = "exclude_patterns"
        case modifiedSince = "modified_since"
        case nextRunAt = "next_run_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case createdBy = "created_by"
        case updatedBy = "updated_by"
    }

    init(_ record: SyncRecord) {
        id = record.id
        name = record.name
        connectionId = record.connectionId
        sourcePath = record.sourcePath
        destination = record.destination
        syncMode = record.syncMode
        pollingIntervalSeconds = record.pollingIntervalSeconds
        includePatterns = record.includePatterns
        excludePatterns = record.excludePatterns
        modifiedSince = record.modifiedSince
        delete = record.deleteExtraneous
        paused = record.paused
        nextRunAt = record.nextRunAt
        createdAt = record.createdAt
        updatedAt = record.updatedAt
        createdBy = record.createdBy
        updatedBy = record.updatedBy
        hookPath = record.syncMode == SyncMode.events.rawValue ? "/v1/hooks/\(record.id)" : nil
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(connectionId, forKey: .connectionId)
        try container.encode(sourcePath, forKey: .sourcePath)
        try container.encode(destination, forKey: .destination)
        try container.encode(syncMode, forKey: .syncMode)
        try container.encode(pollingIntervalSeconds, forKey: .pollingIntervalSeconds)
        try container.encode(includePatterns, forKey: .includePatterns)
        try container.encode(excludePatterns, forKey: .excludePatterns)
        try container.encode(modifiedSince, forKey: .modifiedSince)
        try container.encode(delete, forKey: .delete)
        try container.encode(paused, forKey: .paused)
        try container.encodeIfPresent(hookPath, forKey: .hookPath)
        try container.encode(nextRunAt, forKey: .nextRunAt)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(updatedBy, forKey: .updatedBy)
    }
}

/// A run as the API shows it.
struct RunOutput: Encodable, Sendable {
    var id: String
    var syncId: String
    var status: RunRecord.Status
    var trigger: String
    var copied: Int
    var skipped: Int
    var deleted: Int
    var failed: Int
    var bytes: Int64
    var errors: [String]
    var message: String?
    var queuedAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    /// The B2 names an event run is limited to (nil: the whole sync).
    var objectNames: [String]?

    enum CodingKeys: String, CodingKey {
        case id, status, trigger, copied, skipped, deleted, failed, bytes, errors, message
        case objectNames = "object_names"
        case syncId = "sync_id"
        case queuedAt = "queued_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    init(_ record: RunRecord) {
        id = record.id
        syncId = record.syncId
        status = record.status
        trigger = record.trigger
        copied = record.copied
        skipped = record.skipped
        deleted = record.deleted
        failed = record.failed
        bytes = record.bytes
        errors = record.errors
        message = record.message
        queuedAt = record.queuedAt
        startedAt = record.startedAt
        finishedAt = record.finishedAt
        objectNames = record.objectNames
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(syncId, forKey: .syncId)
        try container.encode(status, forKey: .status)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(copied, forKey: .copied)
        try container.encode(skipped, forKey: .skipped)
        try container.encode(deleted, forKey: .deleted)
        try container.encode(failed, forKey: .failed)
        try container.encode(bytes, forKey: .bytes)
        try container.encode(errors, forKey: .errors)
        try container.encode(message, forKey: .message)
        try container.encode(queuedAt, forKey: .queuedAt)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encodeIfPresent(objectNames, forKey: .objectNames)
    }
}
