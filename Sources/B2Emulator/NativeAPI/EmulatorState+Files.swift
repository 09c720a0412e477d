import B2JSON
import GRDB
import NIOPosix

extension EmulatorState {
    /// Finds a file version by id, answering 400 `bad_request` for an id that could not be one and 404 otherwise.
    func fileVersion(_ fileId: String) async throws -> FileRecord {
        guard fileId.hasPrefix("4_z") else { throw B2APIError.badRequest("Invalid fileId: \(fileId)") }
        guard
            let file = try await database.writer.read({ db in
                try FileRecord.filter(FileRecord.Columns.fileId == fileId).fetchOne(db)
            })
        else {
            throw B2APIError.notFound("File not present: \(fileId)")
        }
        return file
    }

    /// `b2_get_file_info`.
    func getFileInfo(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("readFiles")
        let file = try await fileVersion(try call.parameters.string("fileId"))
        try principal.requireBucket(file.bucketId)
        try principal.requireName(file.fileName)
        let settings = try await database.writer.read { db in try FileSettings.load(db, fileId: file.fileId) }
        return Rendering.file(
            file, settings: settings, accountId: accountId, principal: principal, version: call.version)
    }

    /// `b2_hide_file`: adds a hide marker as the newest version of a name.
    func hideFile(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("writeFiles")
        let bucketId = try call.parameters.string("bucketId")
        let fileName = try call.parameters.string("fileName")
        try NameRules.checkFileName(fileName)
        try principal.requireBucket(bucketId)
        try principal.requireName(fileName)
        let marker = FileRecord.hideMarker(bucketId: bucketId, fileName: fileName, now: clock.nowMillis())
        let settings = try await database.write { db in
            guard try BucketRecord.fetchOne(db, key: bucketId) != nil else { throw B2APIError.badBucketID(bucketId) }
            let latest = try FileRecord.filter(
                FileRecord.Columns.bucketId == bucketId && FileRecord.Columns.fileName == fileName
                    && FileRecord.Columns.action != "start"
            ).order(FileRecord.Columns.seq.desc).fetchOne(db)
            guard let latest else {
                throw B2APIError(.badRequest, "no_such_file", "No file named \(fileName) to hide")
            }
            guard latest.action != "hide" else {
                throw B2APIError(.badRequest, "already_hidden", "File already hidden: \(fileName)")
            }
            return try FileSettings.insertHideMarker(marker, db: db)
        }
        return Rendering.file(
            marker, settings: settings, accountId: accountId, principal: principal, version: call.version)
    }

    /// `b2_delete_file_version`: removes one version (or an unfinished large file) and then its bytes.
    func deleteFileVersion(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("deleteFiles")
        let fileId = try call.parameters.string("fileId")
        let fileName = try call.parameters.string("fileName")
        let file = try await fileVersion(fileId)
        try principal.requireBucket(file.bucketId)
        try principal.requireName(file.fileName)
        guard file.fileName.utf8.elementsEqual(fileName.utf8) else {
            throw B2APIError(.badRequest, "file_not_present", "File \(fileId) is not named \(fileName)")
        }
        let bypass = try call.parameters.optionalBool("bypassGovernance") ?? false
        let lock = try await database.writer.read { db in try FileLockRecord.fetchOne(db, key: fileId) }
        try objectLock.checkDeletion(of: lock, bypassGovernance: bypass, principal: principal)
        try await removeVersion(file)
        return ["fileId": .string(fileId), "fileName": .string(fileName)]
    }

    /// Deletes a version's row, with its `b2:ObjectDeleted:Delete` event (an unfinished large file, canceled, has
    /// none), then its blob when no other version shares it, or its parts.
    func removeVersion(_ file: FileRecord) async throws {
        let now = clock.nowMillis()
        let orphanedBlob = try await database.write { db in
            let orphanedBlob = try Self.deleteRow(of: file, db: db)
            if file.action != "start" {
                try ObjectEventRecord.record(ObjectEventType.delete, of: file, now: now, db: db)
            }
            return orphanedBlob
        }
        removeBytes(of: file, orphanedBlob: orphanedBlob)
    }

    /// Deletes a version's row; answers its blob when no other version shares it (to remove after the commit).
    static func deleteRow(of file: FileRecord, db: Database) throws -> String? {
        guard try FileRecord.deleteOne(db, key: ["fileId": file.fileId]) else {
            throw B2APIError(.badRequest, "file_not_present", "File not present: \(file.fileId)")
        }
        guard let blob = file.blob else { return nil }
        return try FileRecord.filter(FileRecord.Columns.blob == blob).fetchCount(db) == 0 ? blob : nil
    }

    /// Removes the bytes of a version whose row is gone: its blob when no other version shares it, or its parts.
    func removeBytes(of file: FileRecord, orphanedBlob: String?) {
        if let orphanedBlob { blobs.remove(blobs.blobPath(orphanedBlob)) }
        if file.action == "start" { blobs.remove(blobs.partDirectory(fileId: file.fileId)) }
    }

    /// The version `sourceFileId` names, for `b2_copy_file` and `b2_copy_part`: an upload the caller may read.
    func copySource(_ call: APICall, principal: Principal) async throws -> FileRecord {
        let source = try await fileVersion(try call.parameters.string("sourceFileId"))
        guard source.action == "upload" else { throw B2APIError.badRequest("Only uploaded files can be copied") }
        try principal.requireBucket(source.bucketId)
        try principal.requireName(source.fileName)
        return source
    }

    /// `b2_copy_file`: a server-side copy, whole (sharing bytes) or a range.
    func copyFile(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("readFiles")
        try principal.require("writeFiles")
        let source = try await copySource(call, principal: principal)
        let fileName = try call.parameters.string("fileName")
        try NameRules.checkFileName(fileName)
        let bucketId = try call.parameters.optionalString("destinationBucketId") ?? source.bucketId
        try principal.requireBucket(bucketId)
        try principal.requireName(fileName)
        let requestedLock = try ObjectLock.requested(parameters: call.parameters)
        let directive = try call.parameters.optionalString("metadataDirective") ?? "COPY"
        let contentType = try call.parameters.optionalString("contentType")
        let info = try call.parameters.optionalStringMap("fileInfo")
        var newType = source.contentType
        var newInfo = source.fileInfo
        switch directive {
        case "COPY":
            guard contentType == nil, info == nil else {
                throw B2APIError.badRequest("With metadataDirective COPY, do not send contentType or fileInfo")
            }
        case "REPLACE":
            guard let contentType else {
                throw B2APIError.badRequest("With metadataDirective REPLACE, contentType is required")
            }
            newType = try Self.contentType(contentType, fileName: fileName)
            try NameRules.checkFileInfo(info ?? [], fileName: fileName)
            newInfo = Rendering.stringMapText(info ?? [])
        default:
            throw B2APIError.badRequest("metadataDirective must be COPY or REPLACE, not \(directive)")
        }
        _ = try await bucket(bucketId)
        let range = try ByteRange.resolve(try call.parameters.optionalString("range"), length: source.contentLength)
        let (record, settings) = try await copyVersion(
            source, range: range,
            to: CopyTarget(
                bucketId: bucketId, fileName: fileName, contentType: newType, fileInfo: newInfo,
                encryption: try Encryption.requested(
                    json: call.parameters.optionalRaw("destinationServerSideEncryption"),
                    field: "destinationServerSideEncryption"),
                lock: requestedLock),
            sourceKey: try Encryption.requested(
                json: call.parameters.optionalRaw("sourceServerSideEncryption"), field: "sourceServerSideEncryption"),
            principal: principal)
        return Rendering.file(
            record, settings: settings, accountId: accountId, principal: principal, version: call.version,
            action: "copy")
    }

    /// Where and how a copy is written.
    struct CopyTarget: Sendable {
        var bucketId: String
        var fileName: String
        var contentType: String?
        var fileInfo: String
        /// The encryption asked for; the bucket's default when it names none.
        var encryption: Encryption.Requested
        var lock: ObjectLock.Requested
        /// The event the new version is recorded as.
        var event = ObjectEventType.copy
    }

    /// Copies a version (or a range of it) as a new version, for `b2_copy_file` and S3 CopyObject. The copy shares
    /// the source's bytes when it is whole and stored the same way; otherwise the bytes are decrypted with
    /// `sourceKey` as needed, and written (and encrypted) anew. Fails with 404 when the source is deleted meanwhile.
    func copyVersion(
        _ source: FileRecord, range: ClosedRange<Int64>?, to target: CopyTarget,
        sourceKey presented: Encryption.Requested, principal: Principal
    ) async throws -> (FileRecord, FileSettings) {
        let fileId = Identifiers.fileId(bucketId: target.bucketId, kind: .small, uploadTimestamp: clock.nowMillis())
        let (sourceSealed, sealed) = try await database.writer.read { db in
            (
                try FileEncryptionRecord.fetchOne(db, key: source.fileId),
                try Encryption.forNewVersion(target.encryption, fileId: fileId, bucketId: target.bucketId, db: db)
            )
        }
        let sourceKey = try encryption.key(for: sourceSealed, presented: presented)
        let destinationKey = encryption.key(forWriting: sealed, requested: target.encryption)
        // Copies share the source's bytes only when they are stored the same way.
        let sameStorage = sourceSealed?.mode == sealed?.mode && sourceSealed?.customerKeyMd5 == sealed?.customerKeyMd5
        var record = FileRecord(
            seq: nil, fileId: fileId, bucketId: target.bucketId, fileName: target.fileName, action: "upload",
            contentLength: source.contentLength, contentSha1: source.contentSha1, contentMd5: source.contentMd5,
            contentType: target.contentType, fileInfo: target.fileInfo, uploadTimestamp: clock.nowMillis(),
            blob: source.blob, s3ETag: source.s3ETag
        )
        if range.map({ $0.count < source.contentLength }) ?? false || !sameStorage {
            let temporary = try await plainCopy(of: source, range: range, sourceKey: sourceKey)
            let digest = try await Self.digest(ofFile: temporary)
            try await seal(temporary, with: destinationKey, pieceName: fileId)
            try blobs.commit(temporary, to: blobs.blobPath(fileId))
            record.blob = fileId
            record.contentLength = range.map { Int64($0.count) } ?? source.contentLength
            record.contentSha1 = digest.sha1
            record.contentMd5 = digest.md5
            record.s3ETag = nil
        }
        let lockRules = objectLock
        let settings = try await database.write { [record] db in
            guard try FileRecord.filter(FileRecord.Columns.fileId == source.fileId).fetchCount(db) == 1 else {
                throw B2APIError.notFound("File not present: \(source.fileId)")
            }
            let settings = try FileSettings.insert(
                record, lock: target.lock, rules: lockRules, encryption: sealed, principal: principal, db: db)
            try ObjectEventRecord.record(target.event, of: record, now: record.uploadTimestamp, db: db)
            return settings
        }
        return (record, settings)
    }

    /// The plain bytes of `range` of `source` (all of it when nil) in a new temporary file, decrypted with
    /// `sourceKey` when the version is stored encrypted.
    func plainCopy(of source: FileRecord, range: ClosedRange<Int64>?, sourceKey: AESKey?) async throws -> String {
        let sourcePath = blobs.blobPath(source.blob!)
        guard let sourceKey else {
            let whole = range ?? 0...max(0, source.contentLength - 1)
            return try await blobs.copyRange(
                of: sourcePath, offset: whole.lowerBound, length: source.contentLength == 0 ? 0 : Int64(whole.count))
        }
        let temporary = blobs.temporaryPath()
        do {
            try await NIOThreadPool.singleton.runIfActive {
                try BlobCipher.copyDecrypted(from: sourcePath, range: range, key: sourceKey, into: temporary)
            }
        } catch {
            blobs.remove(temporary)
            throw error
        }
        return temporary
    }

    /// `b2_get_download_authorization`: a token for downloads by name under a prefix.
    func getDownloadAuthorization(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("shareFiles")
        let bucketId = try call.parameters.string("bucketId")
        try principal.requireBucket(bucketId)
        let prefix = try call.parameters.string("fileNamePrefix")
        try principal.requireListingPrefix(prefix)
        let seconds = try call.parameters.int("validDurationInSeconds")
        guard (1...604_800).contains(seconds) else {
            throw B2APIError.badRequest("validDurationInSeconds must be between 1 and 604800, not \(seconds)")
        }
        _ = try await bucket(bucketId)
        let token = issueToken(
            for: principal.key, scope: .download(bucketId: bucketId, prefix: prefix), lifetimeSeconds: seconds
        )
        return ["authorizationToken": .string(token), "bucketId": .string(bucketId), "fileNamePrefix": .string(prefix)]
    }

    static func digest(ofFile path: String) async throws -> (sha1: String, md5: String?) {
        try await NIOThreadPoolDigest.digest(path)
    }
}
