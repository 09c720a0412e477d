import B2JSON
import GRDB

/// The native calls of Object Lock: `b2_update_file_retention` and `b2_update_file_legal_hold`.
struct ObjectLockCalls: Sendable {
    let state: EmulatorState

    /// `b2_update_file_retention`: `{"fileId", "fileName", "fileRetention": {"mode", "retainUntilTimestamp"},
    /// "bypassGovernance"}`, answered with the file's id, name and new retention.
    func updateFileRetention(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try ObjectLock.requireLockWrite("writeFileRetentions", principal: principal)
        let (file, fileName) = try await target(call, principal: principal)
        guard let value = call.parameters.optionalRaw("fileRetention") else {
            throw B2APIError.badRequest("Required field fileRetention is missing")
        }
        let retention = try ObjectLock.retention(value)
        let bypass = try call.parameters.optionalBool("bypassGovernance") ?? false
        let updated = try await writeRetention(of: file, to: retention, bypassGovernance: bypass, principal: principal)
        return [
            "fileId": .string(file.fileId),
            "fileName": .string(fileName),
            "fileRetention": [
                "mode": .optional(updated.retentionMode?.rawValue),
                "retainUntilTimestamp": .optional(updated.retainUntil),
            ],
        ]
    }

    /// `b2_update_file_legal_hold`: `{"fileId", "fileName", "legalHold": "on"|"off"}`, answered with the file's id,
    /// name and hold.
    func updateFileLegalHold(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try ObjectLock.requireLockWrite("writeFileLegalHolds", principal: principal)
        let (file, fileName) = try await target(call, principal: principal)
        let hold = try ObjectLock.legalHold(try call.parameters.string("legalHold"))
        try await writeLegalHold(of: file, to: hold)
        return ["fileId": .string(file.fileId), "fileName": .string(fileName), "legalHold": .string(hold.rawValue)]
    }

    /// Changes a version's retention as ``ObjectLock/updatingRetention(of:fileId:to:bypassGovernance:principal:)``
    /// allows, for the native and the S3 call; answers the new lock.
    func writeRetention(
        of file: FileRecord, to retention: (mode: RetentionMode, retainUntil: Int64)?, bypassGovernance: Bool,
        principal: Principal
    ) async throws -> FileLockRecord {
        let lock = state.objectLock
        return try await state.database.write { db in
            guard try BucketLockRecord.exists(db, key: file.bucketId) else { throw ObjectLock.missingFileLock() }
            let current = try FileLockRecord.fetchOne(db, key: file.fileId)
            let updated = try lock.updatingRetention(
                of: current, fileId: file.fileId, to: retention, bypassGovernance: bypassGovernance,
                principal: principal)
            try ObjectLock.save(updated, db: db)
            return updated
        }
    }

    /// Turns a version's legal hold on or off, for the native and the S3 call.
    func writeLegalHold(of file: FileRecord, to hold: LegalHold) async throws {
        try await state.database.write { db in
            guard try BucketLockRecord.exists(db, key: file.bucketId) else { throw ObjectLock.missingFileLock() }
            var lock = try FileLockRecord.fetchOne(db, key: file.fileId) ?? FileLockRecord(fileId: file.fileId)
            lock.legalHold = hold
            try ObjectLock.save(lock, db: db)
        }
    }

    /// The version a call names by `fileId` and `fileName`, checked against the key's bucket and prefix.
    private func target(_ call: APICall, principal: Principal) async throws -> (FileRecord, String) {
        let fileId = try call.parameters.string("fileId")
        let fileName = try call.parameters.string("fileName")
        let file = try await state.fileVersion(fileId)
        try principal.requireBucket(file.bucketId)
        try principal.requireName(file.fileName)
        guard file.fileName.utf8.elementsEqual(fileName.utf8), file.action != "hide" else {
            throw B2APIError(.badRequest, "file_not_present", "File \(fileId) is not named \(fileName)")
        }
        return (file, fileName)
    }
}
