import B2JSON
import GRDB
import HTTPTypes
import Hummingbird
import NIOPosix

extension EmulatorState {
    /// `b2_get_upload_url`.
    func getUploadURL(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("writeFiles")
        let bucketId = try call.parameters.string("bucketId")
        try principal.requireBucket(bucketId)
        _ = try await bucket(bucketId)
        return [
            "bucketId": .string(bucketId),
            "uploadUrl": .string("\(call.baseURL)/b2api/v\(call.version)/b2_upload_file/\(bucketId)"),
            "authorizationToken": .string(issueToken(for: principal.key, scope: .upload(bucketId: bucketId))),
        ]
    }

    /// `b2_upload_file`: streams the body to disk, verifies it, then makes the version visible in one commit.
    func uploadFile(_ request: Request, bucketId: String, version: Int) async throws -> JSONValue {
        let principal = try authenticate(request) { $0 == .upload(bucketId: bucketId) }
        try principal.require("writeFiles")
        let headers = try UploadHeaders(request)
        let fileName = try UploadHeaders.fileName(request)
        try principal.requireName(fileName)
        let info = try UploadHeaders.fileInfo(request)
        try NameRules.checkFileInfo(info, fileName: fileName)
        let contentType = try Self.contentType(request.headers[.contentType], fileName: fileName)
        let requestedLock = try ObjectLock.requested(headers: request.headers)
        let requestedEncryption = try Encryption.requested(headers: request.headers)
        let fileId = Identifiers.fileId(bucketId: bucketId, kind: .small, uploadTimestamp: clock.nowMillis())
        // One read checks the bucket and finds how the version is stored (as asked, or the bucket's default).
        let sealed = try await database.writer.read { db in
            guard try BucketRecord.exists(db, key: bucketId) else { throw B2APIError.badBucketID(bucketId) }
            return try Encryption.forNewVersion(requestedEncryption, fileId: fileId, bucketId: bucketId, db: db)
        }
        let received = try await blobs.receive(
            body: request.body,
            contentLength: headers.contentLength,
            expectation: headers.expectation,
            includeMD5: true
        )
        let timestamp =
            request.headers[HTTPField.Name("X-Bz-Custom-Upload-Timestamp")!].flatMap { Int64($0) }
            ?? clock.nowMillis()
        let record = FileRecord(
            seq: nil,
            fileId: fileId,
            bucketId: bucketId,
            fileName: fileName,
            action: "upload",
            contentLength: received.length,
            contentSha1: headers.expectation == .doNotVerify ? "unverified:" + received.sha1 : received.sha1,
            contentMd5: received.md5,
            contentType: contentType,
            fileInfo: Rendering.stringMapText(info),
            uploadTimestamp: timestamp,
            blob: fileId
        )
        try await seal(
            received.temporaryPath, with: encryption.key(forWriting: sealed, requested: requestedEncryption),
            pieceName: fileId)
        try blobs.commit(received.temporaryPath, to: blobs.blobPath(fileId))
        let settings = try await insertVersion(
            record, requested: requestedLock, encryption: sealed, principal: principal
        ) {
            blobs.remove(blobs.blobPath(fileId))
        }
        return Rendering.file(
            record, settings: settings, accountId: accountId, principal: principal, version: version)
    }

    /// Encrypts the new bytes in the temporary file `path`, stored later under the piece name `pieceName`, with
    /// `key` (on the blocking thread pool), and removes the file when that fails; a nil key leaves them plain.
    func seal(_ path: String, with key: AESKey?, pieceName: String) async throws {
        guard let key else { return }
        do {
            try await NIOThreadPool.singleton.runIfActive {
                try BlobCipher(key: key, pieceName: pieceName).encryptFile(atPath: path)
            }
        } catch {
            blobs.remove(path)
            throw error
        }
    }

    /// Commits a new version and its Object Lock settings in one transaction, if its bucket still exists, with its
    /// `b2:ObjectCreated:Upload` event (an unfinished large file has none yet); on failure, `undo` removes what the
    /// version's bytes left on disk.
    func insertVersion(
        _ record: FileRecord, requested: ObjectLock.Requested, encryption sealed: FileEncryptionRecord?,
        principal: Principal, undo: () -> Void
    ) async throws -> FileSettings {
        let lockRules = objectLock
        let now = clock.nowMillis()
        do {
            return try await database.write { db in
                guard try BucketRecord.fetchOne(db, key: record.bucketId) != nil else {
                    throw B2APIError.badBucketID(record.bucketId)
                }
                let settings = try FileSettings.insert(
                    record, lock: requested, rules: lockRules, encryption: sealed, principal: principal, db: db)
                if record.action == "upload" {
                    try ObjectEventRecord.record(ObjectEventType.upload, of: record, now: now, db: db)
                }
                return settings
            }
        } catch {
            undo()
            throw error
        }
    }

    /// Resolves `b2/x-auto` (or no type) from the file name's extension.
    static func contentType(_ sent: String?, fileName: String) throws -> String {
        if let sent, sent != "b2/x-auto", !sent.isEmpty {
            guard sent.contains("/") else {
                throw B2APIError.badRequest(
                    "Content-Type \"\(sent)\" is not a MIME type: use type/subtype or b2/x-auto")
            }
            return sent
        }
        if let dot = fileName.lastIndex(of: "."), fileName[dot...].count > 1,
            let type = MediaType.getMediaType(
                forExtension: String(fileName[fileName.index(after: dot)...]).lowercased())
        {
            return type.description
        }
        return "application/octet-stream"
    }
}
