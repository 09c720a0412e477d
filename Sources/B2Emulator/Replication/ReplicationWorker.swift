import B2JSON
import GRDB

/// Replicates pending versions as B2 does, some time after their upload: each version an enabled rule covers is
/// copied into the rule's destination bucket under the same name, with its content type, file info, encryption
/// (SSE-B2 stays SSE-B2) and Object Lock settings, written with the destination key that the destination bucket
/// maps the source's `sourceApplicationKeyId` to. The source then reads `completed` and the copy `replica`; a
/// version that cannot be replicated (destination gone, no key mapping, a key that may not write, a legal hold or
/// retention a destination without Object Lock cannot keep) reads `failed`. The replica is recorded as a
/// `b2:ObjectCreated:Replica` event.
///
/// Versions wait `EmulatorConfiguration.replicationDelayMilliseconds` on the emulator's clock first, so that a test
/// sees `pending` right after an upload (as the official CLI's own test does) and then moves the clock on.
struct ReplicationWorker: Sendable {
    let state: EmulatorState

    /// The most versions one run takes.
    static let batch = 100

    /// What one run did.
    struct Outcome: Sendable, Equatable {
        var completed = 0
        var failed = 0
    }

    /// Replicates every version whose delay has passed, a batch at a time; one run at a time.
    func run() async throws -> Outcome {
        try await state.sweepLocks.replication.run { try await runAlone() }
    }

    private func runAlone() async throws -> Outcome {
        var outcome = Outcome()
        while true {
            let due = state.clock.nowMillis() - state.configuration.replicationDelayMilliseconds
            let pending = try await state.database.writer.read { db in
                try FileRecord.fetchAll(
                    db,
                    sql: """
                        SELECT file.* FROM file_replication JOIN file ON file.fileId = file_replication.fileId
                        WHERE file_replication.status = ? AND file.uploadTimestamp <= ?
                        ORDER BY file.uploadTimestamp LIMIT ?
                        """, arguments: [ReplicationStatus.pending.rawValue, due, Self.batch])
            }
            for source in pending {
                try Task.checkCancellation()
                if try await replicate(source) { outcome.completed += 1 } else { outcome.failed += 1 }
            }
            if pending.count < Self.batch { return outcome }
        }
    }

    /// Copies one version; false when it failed (and is marked so).
    private func replicate(_ source: FileRecord) async throws -> Bool {
        let plan = try await state.database.writer.read { db in try Self.plan(for: source, db: db) }
        guard let plan else {
            try await mark(source.fileId, .failed)
            return false
        }
        let replica: FileRecord
        do {
            try plan.principal.require("writeFiles")
            try plan.principal.requireBucket(plan.destinationBucketId)
            guard source.action != "hide" else {
                return try await replicateHide(source, into: plan.destinationBucketId)
            }
            (replica, _) = try await state.copyVersion(
                source, range: nil,
                to: .init(
                    bucketId: plan.destinationBucketId, fileName: source.fileName, contentType: source.contentType,
                    fileInfo: source.fileInfo,
                    encryption: .init(mode: plan.encryption?.mode == .sseB2 ? .sseB2 : nil, explicitlyNone: true),
                    lock: plan.lock, event: ObjectEventType.replica),
                sourceKey: .init(), principal: plan.principal)
        } catch let error as B2APIError {
            state.configuration.logger.info(
                "replication failed", metadata: ["fileId": "\(source.fileId)", "reason": "\(error)"])
            try await mark(source.fileId, .failed)
            return false
        }
        try await state.database.write { db in
            try FileReplicationRecord(fileId: replica.fileId, status: .replica).save(db)
            try FileReplicationRecord(fileId: source.fileId, status: .completed).update(db)
        }
        return true
    }

    /// Replicates a hide marker: the destination's name gets a hide marker of its own (status `replica`) when its
    /// newest version is visible; a name the destination does not show is already as the source has it.
    private func replicateHide(_ source: FileRecord, into destinationBucketId: String) async throws -> Bool {
        let now = state.clock.nowMillis()
        try await state.database.write { db in
            let latest = try FileRecord.filter(
                FileRecord.Columns.bucketId == destinationBucketId && FileRecord.Columns.fileName == source.fileName
                    && FileRecord.Columns.action != "start"
            ).order(FileRecord.Columns.seq.desc).fetchOne(db)
            if let latest, latest.action != "hide" {
                let marker = FileRecord.hideMarker(bucketId: destinationBucketId, fileName: source.fileName, now: now)
                try marker.insert(db)
                try FileReplicationRecord(fileId: marker.fileId, status: .replica).save(db)
            }
            try FileReplicationRecord(fileId: source.fileId, status: .completed).update(db)
        }
        return true
    }

    private func mark(_ fileId: String, _ status: ReplicationStatus) async throws {
        try await state.database.write { db in
            _ = try FileReplicationRecord.filter(key: fileId).updateAll(db, Column("status").set(to: status.rawValue))
        }
    }

    /// Where and as whom a version is replicated.
    private struct Plan {
        var destinationBucketId: String
        var principal: Principal
        var encryption: FileEncryptionRecord?
        var lock: ObjectLock.Requested
    }

    private static func priority(of rule: JSONValue) -> Int64 {
        if case .int(let priority)? = rule["priority"] { priority } else { 0 }
    }

    /// The plan of the highest-priority enabled rule that covers the version, or nil when it cannot be replicated.
    private static func plan(for source: FileRecord, db: Database) throws -> Plan? {
        guard let record = try BucketReplicationRecord.fetchOne(db, key: source.bucketId),
            let configuration = Rendering.jsonText(record.configuration)["asReplicationSource"],
            case .array(let rules)? = configuration["replicationRules"],
            case .string(let sourceKeyId)? = configuration["sourceApplicationKeyId"]
        else { return nil }
        let covering = rules.filter { rule in
            guard rule["isEnabled"] == true, case .string(let prefix)? = rule["fileNamePrefix"] else { return false }
            return source.fileName.hasBytePrefix(prefix)
        }
        guard
            let rule = covering.max(by: { priority(of: $0) < priority(of: $1) }),
            case .string(let destinationBucketId)? = rule["destinationBucketId"],
            let destination = try BucketReplicationRecord.fetchOne(db, key: destinationBucketId),
            case .string(let destinationKeyId)? = Rendering.jsonText(destination.configuration)[
                "asReplicationDestination"]?["sourceToDestinationKeyMapping"]?[sourceKeyId],
            let key = try KeyRecord.fetchOne(db, key: destinationKeyId)
        else { return nil }
        let sourceLock = try FileLockRecord.fetchOne(db, key: source.fileId)
        var lock = ObjectLock.Requested()
        lock.legalHold = sourceLock?.legalHold
        if let mode = sourceLock?.retentionMode, let until = sourceLock?.retainUntil {
            lock.retention = (mode, until)
        }
        return Plan(
            destinationBucketId: destinationBucketId,
            principal: Principal(
                key: key, token: AuthToken(keyId: key.applicationKeyId, scope: .account, expiresAt: .max)),
            encryption: try FileEncryptionRecord.fetchOne(db, key: source.fileId), lock: lock)
    }
}
