import B2JSON
import GRDB
import HTTPTypes

/// Object Lock as B2 applies it: a bucket's `fileLockEnabled` and default retention, each version's retention
/// (governance or compliance, until a time) and legal hold, and the refusals that protect them.
///
/// The API handlers call it inside their write transactions, so a version and its lock commit together. Time comes
/// from the emulator's clock.
struct ObjectLock: Sendable {
    let clock: EmulatorClock

    /// What a request asks for a new version or an update.
    struct Requested: Sendable {
        /// The retention asked for; nil when the request names none.
        var retention: (mode: RetentionMode, retainUntil: Int64)?
        /// The legal hold asked for; nil when the request names none.
        var legalHold: LegalHold?

        var isEmpty: Bool { retention == nil && legalHold == nil }
    }

    // MARK: - Reading requests

    /// The `X-Bz-File-Retention-Mode`, `X-Bz-File-Retention-Retain-Until-Timestamp` and `X-Bz-File-Legal-Hold`
    /// headers of an upload.
    static func requested(headers: HTTPFields) throws -> Requested {
        var requested = Requested()
        let mode = headers[HTTPField.Name("X-Bz-File-Retention-Mode")!]
        let until = headers[HTTPField.Name("X-Bz-File-Retention-Retain-Until-Timestamp")!]
        switch (mode, until) {
        case (nil, nil): break
        case (let mode?, let until?):
            guard let retainUntil = Int64(until) else {
                throw B2APIError.badRequest(
                    "X-Bz-File-Retention-Retain-Until-Timestamp \"\(until)\" is not milliseconds since the epoch")
            }
            requested.retention = (try retentionMode(mode), retainUntil)
        case (_?, nil), (nil, _?):
            throw B2APIError.badRequest(
                "Send X-Bz-File-Retention-Mode and X-Bz-File-Retention-Retain-Until-Timestamp together")
        }
        if let hold = headers[HTTPField.Name("X-Bz-File-Legal-Hold")!] {
            requested.legalHold = try legalHold(hold)
        }
        return requested
    }

    /// The `fileRetention` and `legalHold` fields of `b2_start_large_file` and `b2_copy_file`.
    static func requested(parameters: CallParameters) throws -> Requested {
        var requested = Requested()
        if let retention = parameters.optionalRaw("fileRetention"), retention != .null {
            requested.retention = try Self.retention(retention)
        }
        if let hold = try parameters.optionalString("legalHold") {
            requested.legalHold = try legalHold(hold)
        }
        return requested
    }

    /// A `{"mode", "retainUntilTimestamp"}` object; nil for `{"mode": null}` (no retention).
    static func retention(_ value: JSONValue) throws -> (mode: RetentionMode, retainUntil: Int64)? {
        guard case .object = value else {
            throw B2APIError.badRequest("fileRetention must be an object with mode and retainUntilTimestamp")
        }
        guard case .string(let mode)? = value["mode"] else {
            guard value["mode"] == nil || value["mode"] == .null else {
                throw B2APIError.badRequest("fileRetention.mode must be governance, compliance or null")
            }
            return nil
        }
        guard case .int(let until)? = value["retainUntilTimestamp"] else {
            throw B2APIError.badRequest("fileRetention.retainUntilTimestamp is required with a mode")
        }
        return (try retentionMode(mode), until)
    }

    static func retentionMode(_ text: String) throws -> RetentionMode {
        guard let mode = RetentionMode(rawValue: text) else {
            throw B2APIError.badRequest("Invalid retention mode \"\(text)\": use governance or compliance")
        }
        return mode
    }

    static func legalHold(_ text: String) throws -> LegalHold {
        guard let hold = LegalHold(rawValue: text) else {
            throw B2APIError.badRequest("Invalid legal hold \"\(text)\": use on or off")
        }
        return hold
    }

    /// A bucket's `defaultRetention` object: `{"mode": null}` clears it; a mode needs a period of days or years.
    static func defaultRetention(_ value: JSONValue) throws -> (mode: RetentionMode, period: RetentionPeriod)? {
        guard case .object = value else { throw B2APIError.badRequest("defaultRetention must be an object") }
        guard case .string(let modeText)? = value["mode"] else { return nil }
        let mode = try retentionMode(modeText)
        guard case .int(let duration)? = value["period"]?["duration"], duration > 0,
            case .string(let unitText)? = value["period"]?["unit"], let unit = RetentionPeriod.Unit(rawValue: unitText)
        else {
            throw B2APIError.badRequest(
                "defaultRetention with a mode needs a period: {\"duration\": N, \"unit\": \"days\" or \"years\"}")
        }
        return (mode, RetentionPeriod(duration: duration, unit: unit))
    }

    // MARK: - Rules

    static func missingFileLock() -> B2APIError {
        B2APIError(.badRequest, "bucket_missing_file_lock", "The bucket is not file lock enabled")
    }

    /// The lock a new version gets: what it asks for, else the bucket's default retention.
    ///
    /// - Throws: 400 `bucket_missing_file_lock` when the bucket has no Object Lock; 400
    ///   `retain_until_timestamp_must_be_in_future`; 401 `unauthorized` without `writeFileRetentions` or
    ///   `writeFileLegalHolds`.
    func lockForNewVersion(
        _ requested: Requested, fileId: String, bucketId: String, principal: Principal?, db: Database
    ) throws -> FileLockRecord? {
        let bucketLock = try BucketLockRecord.fetchOne(db, key: bucketId)
        guard let bucketLock else {
            if !requested.isEmpty { throw Self.missingFileLock() }
            return nil
        }
        if let retention = requested.retention {
            try principal?.require("writeFileRetentions")
            try requireFuture(retention.retainUntil)
        }
        if requested.legalHold != nil { try principal?.require("writeFileLegalHolds") }
        let now = clock.nowMillis()
        let retention =
            requested.retention ?? bucketLock.defaultRetention.map { ($0.mode, now + $0.period.milliseconds) }
        let record = FileLockRecord(
            fileId: fileId, retentionMode: retention?.0, retainUntil: retention?.1, legalHold: requested.legalHold)
        return record.isEmpty ? nil : record
    }

    private func requireFuture(_ retainUntil: Int64) throws {
        guard retainUntil > clock.nowMillis() else {
            throw B2APIError(
                .badRequest, "retain_until_timestamp_must_be_in_future", "The retainUntilTimestamp must be in future")
        }
    }

    /// Refuses to delete a version under legal hold or retention as B2 does: 401 `unauthorized` with the message
    /// "Access Denied" (b2sdk adds the key's restrictions to it), or with B2's empty message when `bypassGovernance`
    /// comes from a key without that capability. Governance gives way to `bypassGovernance` with the capability,
    /// compliance never does.
    func checkDeletion(of lock: FileLockRecord?, bypassGovernance: Bool, principal: Principal?) throws {
        guard let lock else { return }
        if lock.legalHold == .on {
            throw Self.deletionDenied("The file is under legal hold: turn the hold off before deleting it")
        }
        switch lock.activeRetention(at: clock.nowMillis()) {
        case nil: return
        case .compliance:
            throw Self.deletionDenied("The file is under compliance retention until \(lock.retainUntil!)")
        case .governance:
            guard bypassGovernance else {
                throw Self.deletionDenied(
                    "The file is under governance retention: send bypassGovernance with a key that has the "
                        + "bypassGovernance capability")
            }
            if let principal, !principal.key.capabilityList.contains("bypassGovernance") {
                throw B2APIError.unauthorized(
                    "bypassGovernance needs a key with the bypassGovernance capability; this key lacks it")
            }
        }
    }

    private static func deletionDenied(_ guidance: String) -> B2APIError {
        B2APIError(.unauthorized, "unauthorized", "Access Denied", guidance: guidance)
    }

    /// Requires a capability to change a version's lock, answering 403 `access_denied` as B2 does for these calls
    /// (b2sdk's `RetentionWriteError`), rather than `unauthorized`.
    static func requireLockWrite(_ capability: String, principal: Principal) throws {
        guard principal.key.capabilityList.contains(capability) else {
            throw accessDenied("The key \(principal.key.applicationKeyId) lacks the \(capability) capability")
        }
    }

    /// The lock after `b2_update_file_retention`: extending is always allowed; shortening or removing governance
    /// needs `bypassGovernance` and its capability; compliance can only be extended.
    func updatingRetention(
        of current: FileLockRecord?, fileId: String, to retention: (mode: RetentionMode, retainUntil: Int64)?,
        bypassGovernance: Bool, principal: Principal
    ) throws -> FileLockRecord {
        try Self.requireLockWrite("writeFileRetentions", principal: principal)
        if let retention { try requireFuture(retention.retainUntil) }
        let active = current?.activeRetention(at: clock.nowMillis())
        let currentUntil = current?.retainUntil ?? 0
        let extends = retention.map { $0.retainUntil >= currentUntil } ?? false
        switch active {
        case .compliance:
            guard retention?.mode == .compliance, extends else {
                throw Self.accessDenied("The file is under compliance retention: it can only be extended")
            }
        case .governance:
            if !extends {
                guard bypassGovernance, principal.key.capabilityList.contains("bypassGovernance") else {
                    throw Self.accessDenied(
                        "Shortening or removing governance retention needs bypassGovernance and a key with the "
                            + "bypassGovernance capability")
                }
            }
        case nil: break
        }
        var updated = current ?? FileLockRecord(fileId: fileId)
        updated.retentionMode = retention?.mode
        updated.retainUntil = retention?.retainUntil
        return updated
    }

    static func accessDenied(_ guidance: String) -> B2APIError {
        B2APIError(.forbidden, "access_denied", "", guidance: guidance)
    }

    // MARK: - Storage

    /// Writes (or, when it says nothing, removes) a version's lock.
    static func save(_ lock: FileLockRecord, db: Database) throws {
        if lock.isEmpty {
            _ = try FileLockRecord.deleteOne(db, key: lock.fileId)
        } else {
            try lock.upsert(db)
        }
    }

    /// The locks of `fileIds` in a bucket: none when the bucket never had Object Lock (it cannot be turned off).
    static func locks(_ db: Database, bucketId: String, fileIds: [String]) throws -> [String: FileLockRecord] {
        guard !fileIds.isEmpty, try BucketLockRecord.exists(db, key: bucketId) else { return [:] }
        let rows = try FileLockRecord.filter(keys: fileIds).fetchAll(db)
        return Dictionary(rows.map { ($0.fileId, $0) }, uniquingKeysWith: { $1 })
    }

    // MARK: - Rendering

    private static let retentionModeHeader = HTTPField.Name("X-Bz-File-Retention-Mode")!
    private static let retainUntilHeader = HTTPField.Name("X-Bz-File-Retention-Retain-Until-Timestamp")!
    private static let legalHoldHeader = HTTPField.Name("X-Bz-File-Legal-Hold")!

    /// The lock headers of a download, as B2 sends them: the retention and hold to a caller that may read them,
    /// otherwise their names in `X-Bz-Client-Unauthorized-To-Read` (b2sdk then shows them as unknown).
    static func addDownloadHeaders(_ lock: FileLockRecord?, principal: Principal?, to headers: inout HTTPFields) {
        guard let lock else { return }
        let capabilities = principal?.key.capabilityList ?? []
        var hidden: [String] = []
        if let mode = lock.retentionMode, let until = lock.retainUntil {
            if capabilities.contains("readFileRetentions") {
                headers[retentionModeHeader] = mode.rawValue
                headers[retainUntilHeader] = String(until)
            } else {
                hidden += [retentionModeHeader.rawName, retainUntilHeader.rawName]
            }
        }
        if let hold = lock.legalHold {
            if capabilities.contains("readFileLegalHolds") {
                headers[legalHoldHeader] = hold.rawValue
            } else {
                hidden.append(legalHoldHeader.rawName)
            }
        }
        if !hidden.isEmpty {
            headers[HTTPField.Name("X-Bz-Client-Unauthorized-To-Read")!] = hidden.joined(separator: ",")
        }
    }

    /// `fileRetention` of a version reply.
    static func fileRetention(_ lock: FileLockRecord?, canRead: Bool) -> JSONValue {
        [
            "isClientAuthorizedToRead": .bool(canRead),
            "value": canRead
                ? [
                    "mode": .optional(lock?.retentionMode?.rawValue),
                    "retainUntilTimestamp": .optional(lock?.retainUntil),
                ]
                : nil,
        ]
    }

    /// `legalHold` of a version reply.
    static func legalHold(_ lock: FileLockRecord?, canRead: Bool) -> JSONValue {
        ["isClientAuthorizedToRead": .bool(canRead), "value": canRead ? .optional(lock?.legalHold?.rawValue) : nil]
    }

    /// `fileLockConfiguration` of a bucket reply.
    static func configuration(_ lock: BucketLockRecord?, canRead: Bool) -> JSONValue {
        guard canRead else { return ["isClientAuthorizedToRead": false, "value": nil] }
        let period: JSONValue =
            lock?.defaultRetention.map {
                ["duration": .int($0.period.duration), "unit": .string($0.period.unit.rawValue)]
            } ?? nil
        return [
            "isClientAuthorizedToRead": true,
            "value": [
                "defaultRetention": ["mode": .optional(lock?.defaultRetention?.mode.rawValue), "period": period],
                "isFileLockEnabled": .bool(lock != nil),
            ],
        ]
    }
}
