import GRDB
import HTTPTypes
import Hummingbird

/// Object Lock's S3 calls: GetObjectRetention and PutObjectRetention (`?retention`), GetObjectLegalHold and
/// PutObjectLegalHold (`?legal-hold`) on an object, and GetObjectLockConfiguration and PutObjectLockConfiguration
/// (`?object-lock`) on a bucket, with the rules and capabilities of the native calls.
struct S3ObjectLockCalls: Sendable {
    let state: EmulatorState

    private static let noConfiguration = S3Error(
        .notFound, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")

    /// The version a call names (`versionId`, or the latest), in a bucket with Object Lock.
    private func target(_ call: S3Call) async throws -> FileRecord {
        let bucket = try await state.s3Bucket(call)
        try call.principal.requireName(call.key)
        let file = try await state.s3ObjectVersion(
            bucketId: bucket.bucketId, key: call.key, versionId: call.query["versionId"])
        guard try await state.database.writer.read({ db in try BucketLockRecord.exists(db, key: bucket.bucketId) })
        else {
            throw S3Error(.badRequest, "InvalidRequest", "Bucket is missing Object Lock Configuration")
        }
        return file
    }

    private func lock(of file: FileRecord) async throws -> FileLockRecord? {
        try await state.database.writer.read { db in try FileLockRecord.fetchOne(db, key: file.fileId) }
    }

    private func document(_ call: S3Call, root: String) async throws -> S3XMLElement {
        let document = try S3XMLElement.parse(try await state.s3CollectBody(call.request, limit: 64 * 1024))
        guard document.name == root else { throw S3Error.malformedXML("the root element must be \(root)") }
        return document
    }

    /// GetObjectRetention: `<Retention><Mode>…</Mode><RetainUntilDate>…</RetainUntilDate></Retention>`.
    func getRetention(_ call: S3Call) async throws -> Response {
        try call.principal.require("readFileRetentions")
        let file = try await target(call)
        guard let lock = try await lock(of: file), let mode = lock.retentionMode, let until = lock.retainUntil else {
            throw Self.noConfiguration
        }
        var xml = S3XMLWriter(root: "Retention")
        xml.element("Mode", mode.rawValue.uppercased())
        xml.element("RetainUntilDate", S3Time.iso8601(until))
        return S3Router.xml(&xml)
    }

    /// PutObjectRetention: sets, extends or (with `x-amz-bypass-governance-retention: true` and the capability)
    /// shortens or removes a version's retention; a `Retention` without `Mode` removes it.
    func putRetention(_ call: S3Call) async throws -> Response {
        let file = try await target(call)
        let document = try await document(call, root: "Retention")
        var retention: (mode: RetentionMode, retainUntil: Int64)?
        switch (document.child("Mode")?.text, document.child("RetainUntilDate")?.text) {
        case (nil, nil): retention = nil
        case (let mode?, let until?):
            retention = (try S3ObjectLockHeaders.retentionMode(mode), try S3ObjectLockHeaders.timestamp(until))
        default: throw S3Error.malformedXML("Retention needs both Mode and RetainUntilDate, or neither")
        }
        let bypass = call.request.headers[S3Headers.bypassGovernanceRetention]?.lowercased() == "true"
        _ = try await ObjectLockCalls(state: state).writeRetention(
            of: file, to: retention, bypassGovernance: bypass, principal: call.principal)
        return S3Router.empty(.ok)
    }

    /// GetObjectLegalHold: `<LegalHold><Status>ON|OFF</Status></LegalHold>`.
    func getLegalHold(_ call: S3Call) async throws -> Response {
        try call.principal.require("readFileLegalHolds")
        let file = try await target(call)
        guard let hold = try await lock(of: file)?.legalHold else { throw Self.noConfiguration }
        var xml = S3XMLWriter(root: "LegalHold")
        xml.element("Status", hold.rawValue.uppercased())
        return S3Router.xml(&xml)
    }

    /// PutObjectLegalHold: turns a version's legal hold on or off.
    func putLegalHold(_ call: S3Call) async throws -> Response {
        try ObjectLock.requireLockWrite("writeFileLegalHolds", principal: call.principal)
        let file = try await target(call)
        guard let status = try await document(call, root: "LegalHold").child("Status")?.text else {
            throw S3Error.malformedXML("LegalHold needs a Status, ON or OFF")
        }
        try await ObjectLockCalls(state: state).writeLegalHold(
            of: file, to: try S3ObjectLockHeaders.legalHold(status))
        return S3Router.empty(.ok)
    }

    /// GetObjectLockConfiguration: whether the bucket has Object Lock, and its default retention.
    func getConfiguration(_ call: S3Call) async throws -> Response {
        try call.principal.require("readBucketRetentions")
        let bucket = try await state.s3Bucket(call)
        guard
            let lock = try await state.database.writer.read({ db in
                try BucketLockRecord.fetchOne(db, key: bucket.bucketId)
            })
        else {
            throw S3Error(
                .notFound, "ObjectLockConfigurationNotFoundError",
                "Object Lock configuration does not exist for this bucket")
        }
        var xml = S3XMLWriter(root: "ObjectLockConfiguration")
        xml.element("ObjectLockEnabled", "Enabled")
        if let retention = lock.defaultRetention {
            xml.begin("Rule")
            xml.begin("DefaultRetention")
            xml.element("Mode", retention.mode.rawValue.uppercased())
            xml.element(retention.period.unit == .days ? "Days" : "Years", String(retention.period.duration))
            xml.end()
            xml.end()
        }
        return S3Router.xml(&xml)
    }

    /// PutObjectLockConfiguration: turns Object Lock on (it cannot be turned off) and sets or clears the default
    /// retention.
    func putConfiguration(_ call: S3Call) async throws -> Response {
        try call.principal.require("writeBucketRetentions")
        let bucket = try await state.s3Bucket(call)
        let document = try await document(call, root: "ObjectLockConfiguration")
        guard document.child("ObjectLockEnabled")?.text == "Enabled" else {
            throw S3Error.malformedXML("ObjectLockEnabled must be Enabled: Object Lock cannot be turned off")
        }
        var lock = BucketLockRecord(bucketId: bucket.bucketId)
        if let retention = document.child("Rule")?.child("DefaultRetention") {
            guard let mode = retention.child("Mode")?.text else {
                throw S3Error.malformedXML("DefaultRetention needs a Mode, GOVERNANCE or COMPLIANCE")
            }
            lock.defaultMode = try S3ObjectLockHeaders.retentionMode(mode)
            let days = retention.child("Days").flatMap { Int64($0.text) }
            let years = retention.child("Years").flatMap { Int64($0.text) }
            switch (days, years) {
            case (let days?, nil) where days > 0: (lock.defaultDuration, lock.defaultUnit) = (days, .days)
            case (nil, let years?) where years > 0: (lock.defaultDuration, lock.defaultUnit) = (years, .years)
            default: throw S3Error.malformedXML("DefaultRetention needs a positive Days or Years, not both")
            }
        }
        try await state.database.write { [lock] db in
            if try BucketLockRecord.exists(db, key: bucket.bucketId) == false,
                try BucketReplicationRecord.fetchOne(db, key: bucket.bucketId)?.isSource == true
            {
                throw Replication.sourceReplicationConflict()
            }
            try lock.upsert(db)
        }
        return S3Router.empty(.ok)
    }
}
