import B2JSON
import GRDB
import HTTPTypes
import Hummingbird

extension EmulatorState {
    /// `b2_start_large_file`: an unfinished large file (`action: start`) that parts are uploaded into.
    func startLargeFile(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("writeFiles")
        let bucketId = try call.parameters.string("bucketId")
        let fileName = try call.parameters.string("fileName")
        try NameRules.checkFileName(fileName)
        try principal.requireBucket(bucketId)
        try principal.requireName(fileName)
        let info = try call.parameters.optionalStringMap("fileInfo") ?? []
        try NameRules.checkFileInfo(info, fileName: fileName)
        let contentType = try Self.contentType(try call.parameters.string("contentType"), fileName: fileName)
        let requestedLock = try ObjectLock.requested(parameters: call.parameters)
        let requestedEncryption = try Encryption.requested(
            json: call.parameters.optionalRaw("serverSideEncryption"), field: "serverSideEncryption")
        let fileId = Identifiers.fileId(bucketId: bucketId, kind: .large, uploadTimestamp: clock.nowMillis())
        let record = FileRecord(
            seq: nil, fileId: fileId, bucketId: bucketId, fileName: fileName, action: "start", contentLength: 0,
            contentSha1: "none", contentMd5: nil, contentType: contentType, fileInfo: Rendering.stringMapText(info),
            uploadTimestamp: clock.nowMillis(), blob: nil
        )
        let sealed = try await database.writer.read { db in
            try Encryption.forNewVersion(requestedEncryption, fileId: fileId, bucketId: bucketId, db: db)
        }
        try blobs.makePartDirectory(fileId: fileId)
        let settings = try await insertVersion(
            record, requested: requestedLock, encryption: sealed, principal: principal
        ) {
            blobs.remove(blobs.partDirectory(fileId: fileId))
        }
        return Rendering.file(
            record, settings: settings, accountId: accountId, principal: principal, version: call.version)
    }

    /// Finds an unfinished large file the principal may write to.
    private func unfinishedFile(_ fileId: String, principal: Principal) async throws -> FileRecord {
        let file = try await fileVersion(fileId)
        try principal.requireBucket(file.bucketId)
        try principal.requireName(file.fileName)
        guard file.action == "start" else {
            throw B2APIError.badRequest("File \(fileId) is not an unfinished large file")
        }
        return file
    }

    /// `b2_get_upload_part_url`.
    func getUploadPartURL(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("writeFiles")
        let file = try await unfinishedFile(try call.parameters.string("fileId"), principal: principal)
        return [
            "fileId": .string(file.fileId),
            "uploadUrl": .string("\(call.baseURL)/b2api/v\(call.version)/b2_upload_part/\(file.fileId)"),
            "authorizationToken": .string(issueToken(for: principal.key, scope: .uploadPart(fileId: file.fileId))),
        ]
    }

    /// `b2_upload_part`: one part, streamed to disk and verified; re-sending a part number replaces it.
    func uploadPart(_ request: Request, fileId: String) async throws -> JSONValue {
        let principal = try authenticate(request) { $0 == .uploadPart(fileId: fileId) }
        try principal.require("writeFiles")
        let headers = try UploadHeaders(request)
        guard let numberText = request.headers[HTTPField.Name("X-Bz-Part-Number")!], let partNumber = Int64(numberText),
            (1...10_000).contains(partNumber)
        else {
            throw B2APIError.badRequest("X-Bz-Part-Number must be a number from 1 to 10000")
        }
        guard headers.contentLength <= 5_000_000_000 else {
            throw B2APIError.badRequest("A part may be at most 5000000000 bytes")
        }
        _ = try await unfinishedFile(fileId, principal: principal)
        let sealed = try await database.writer.read { db in try FileEncryptionRecord.fetchOne(db, key: fileId) }
        // An SSE-C large file takes its key with every part.
        let partKey = try encryption.key(for: sealed, presented: try Encryption.requested(headers: request.headers))
        let received = try await blobs.receive(
            body: request.body, contentLength: headers.contentLength, expectation: headers.expectation,
            includeMD5: false
        )
        let part = try await storePart(
            received.temporaryPath, key: partKey,
            as: PartRecord(
                fileId: fileId, partNumber: partNumber, contentLength: received.length, contentSha1: received.sha1,
                contentMd5: received.md5, uploadTimestamp: clock.nowMillis()),
            gone: B2APIError.badRequest("File \(fileId) is no longer an unfinished large file"))
        return Self.render(part, encryption: sealed)
    }

    /// `b2_copy_part`: a part of an unfinished large file made of a range of an existing version (all of it when
    /// `range` is absent), decrypted with `sourceServerSideEncryption` and written with the large file's encryption.
    func copyPart(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("readFiles")
        try principal.require("writeFiles")
        let source = try await copySource(call, principal: principal)
        let file = try await unfinishedFile(try call.parameters.string("largeFileId"), principal: principal)
        let partNumber = try call.parameters.int("partNumber")
        guard (1...10_000).contains(partNumber) else {
            throw B2APIError.badRequest("partNumber must be a number from 1 to 10000, not \(partNumber)")
        }
        let rangeText = try call.parameters.optionalString("range")
        let range = try ByteRange.resolve(rangeText, length: source.contentLength)
        if let rangeText, range == nil {
            throw B2APIError.badRequest(
                "range must look like bytes=0-99 (first and last byte, inclusive), not \(rangeText)")
        }
        let length = range.map { Int64($0.count) } ?? source.contentLength
        guard length <= 5_000_000_000 else {
            throw B2APIError.badRequest("A part may be at most 5000000000 bytes, and this range has \(length)")
        }
        let (sourceSealed, sealed) = try await encryptionRecords(of: source.fileId, and: file.fileId)
        let sourceKey = try encryption.key(
            for: sourceSealed,
            presented: try Encryption.requested(
                json: call.parameters.optionalRaw("sourceServerSideEncryption"), field: "sourceServerSideEncryption"))
        // An SSE-C large file takes its key with every part, here as destinationServerSideEncryption.
        let partKey = try encryption.key(
            for: sealed,
            presented: try Encryption.requested(
                json: call.parameters.optionalRaw("destinationServerSideEncryption"),
                field: "destinationServerSideEncryption"))
        let part = try await storeCopiedPart(
            of: source, range: range, sourceKey: sourceKey, key: partKey, fileId: file.fileId, partNumber: partNumber,
            gone: B2APIError.badRequest("File \(file.fileId) is no longer an unfinished large file"))
        return Self.render(part, encryption: sealed)
    }

    /// How a copy's source and target are encrypted (nil for plain), read together.
    func encryptionRecords(of sourceId: String, and targetId: String) async throws -> (
        FileEncryptionRecord?, FileEncryptionRecord?
    ) {
        try await database.writer.read { db in
            (try FileEncryptionRecord.fetchOne(db, key: sourceId), try FileEncryptionRecord.fetchOne(db, key: targetId))
        }
    }

    /// Stores `range` of `source` (all of it when nil), decrypted with `sourceKey`, as part `partNumber` of the
    /// unfinished large file `fileId`, encrypted with `key`: `b2_copy_part` and S3's UploadPartCopy.
    func storeCopiedPart(
        of source: FileRecord, range: ClosedRange<Int64>?, sourceKey: AESKey?, key: AESKey?, fileId: String,
        partNumber: Int64, gone: any Error
    ) async throws -> PartRecord {
        let temporary = try await plainCopy(of: source, range: range, sourceKey: sourceKey)
        let digest: (sha1: String, md5: String?)
        do {
            digest = try await Self.digest(ofFile: temporary)
        } catch {
            blobs.remove(temporary)
            throw error
        }
        return try await storePart(
            temporary, key: key,
            as: PartRecord(
                fileId: fileId, partNumber: partNumber,
                contentLength: range.map { Int64($0.count) } ?? source.contentLength,
                contentSha1: digest.sha1, contentMd5: digest.md5, uploadTimestamp: clock.nowMillis()),
            gone: gone)
    }

    /// Encrypts a part's received bytes with `key` (none for a plain file) and records it, replacing a part of the
    /// same number (native and S3 parts alike). The temporary file is removed on failure; `gone` is thrown when the
    /// large file is no longer unfinished.
    func storePart(
        _ temporary: String, key: AESKey?, as part: PartRecord,
        gone: any Error
    ) async throws -> PartRecord {
        let blobs = self.blobs
        do {
            try await seal(temporary, with: key, pieceName: "\(part.fileId)/\(part.partNumber)")
            try await database.write { db in
                guard
                    try FileRecord.filter(
                        FileRecord.Columns.fileId == part.fileId && FileRecord.Columns.action == "start"
                    ).fetchCount(db) == 1
                else {
                    throw gone
                }
                try blobs.commit(temporary, to: blobs.partPath(fileId: part.fileId, partNumber: part.partNumber))
                try part.save(db)
            }
        } catch {
            blobs.remove(temporary)
            throw error
        }
        return part
    }

    /// `b2_list_parts`.
    func listParts(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("writeFiles")
        let file = try await unfinishedFile(try call.parameters.string("fileId"), principal: principal)
        let start = try call.parameters.optionalInt("startPartNumber") ?? 1
        let maxCount = try call.parameters.optionalInt("maxPartCount") ?? 100
        guard (1...1000).contains(maxCount) else {
            throw B2APIError.outOfRange("maxPartCount must be between 1 and 1000, not \(maxCount)")
        }
        let (parts, sealed) = try await database.writer.read { db in
            (
                try PartRecord.filter(
                    PartRecord.Columns.fileId == file.fileId && PartRecord.Columns.partNumber >= start
                ).order(PartRecord.Columns.partNumber).limit(Int(maxCount) + 1).fetchAll(db),
                try FileEncryptionRecord.fetchOne(db, key: file.fileId)
            )
        }
        let shown = parts.prefix(Int(maxCount))
        return [
            "parts": .array(shown.map { Self.render($0, encryption: sealed) }),
            "nextPartNumber": parts.count > Int(maxCount) ? .int(parts[Int(maxCount)].partNumber) : nil,
        ]
    }

    /// `b2_finish_large_file`: checks the parts against `partSha1Array`, assembles them and makes the file visible.
    func finishLargeFile(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("writeFiles")
        let file = try await unfinishedFile(try call.parameters.string("fileId"), principal: principal)
        guard let sha1s = try call.parameters.optionalStringArray("partSha1Array") else {
            throw B2APIError.badRequest("Required field partSha1Array is missing")
        }
        let parts = try await database.writer.read { db in
            try PartRecord.filter(PartRecord.Columns.fileId == file.fileId).order(PartRecord.Columns.partNumber)
                .fetchAll(db)
        }
        guard sha1s.count >= 2 else {
            throw B2APIError(
                .badRequest, "bad_request", "large files must have at least 2 parts",
                guidance: "partSha1Array lists \(sha1s.count) part(s); upload a file this small with b2_upload_file")
        }
        for (index, sha1) in sha1s.enumerated() {
            let number = Int64(index + 1)
            guard index < parts.count, parts[index].partNumber == number else {
                throw B2APIError(.badRequest, "missing_part", "Part number \(number) has not been uploaded")
            }
            guard parts[index].contentSha1 == sha1.lowercased() else {
                throw B2APIError(
                    .badRequest, "part_sha1_mismatch",
                    "Part number \(number) has SHA-1 \(parts[index].contentSha1), not \(sha1)"
                )
            }
            if index < sha1s.count - 1, parts[index].contentLength < configuration.absoluteMinimumPartSize {
                throw B2APIError.badRequest(
                    "Part number \(number) is \(parts[index].contentLength) bytes: every part but the last must be "
                        + "at least \(configuration.absoluteMinimumPartSize) bytes"
                )
            }
        }
        guard parts.count == sha1s.count else {
            throw B2APIError.badRequest("\(parts.count) parts were uploaded but partSha1Array lists \(sha1s.count)")
        }
        var finished = file
        finished.action = "upload"
        finished.contentLength = parts.reduce(0) { $0 + $1.contentLength }
        finished.contentSha1 = "none"
        finished.blob = file.fileId
        // The parts folder becomes the blob (parts 1...N read in order): a rename, not a copy of every byte.
        try blobs.promoteParts(fileId: file.fileId)
        let now = clock.nowMillis()
        let settings: FileSettings
        do {
            settings = try await database.write { [finished] db in
                guard
                    try FileRecord.filter(
                        FileRecord.Columns.fileId == file.fileId && FileRecord.Columns.action == "start"
                    )
                    .fetchCount(db) == 1
                else {
                    throw B2APIError.badRequest("File \(file.fileId) is no longer an unfinished large file")
                }
                try PartRecord.filter(PartRecord.Columns.fileId == file.fileId).deleteAll(db)
                return try FileSettings.finishLargeFile(finished, now: now, db: db)
            }
        } catch {
            blobs.demoteParts(fileId: file.fileId)
            throw error
        }
        return Rendering.file(
            finished, settings: settings, accountId: accountId, principal: principal,
            version: call.version)
    }

    /// `b2_cancel_large_file`.
    func cancelLargeFile(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("writeFiles")
        let file = try await unfinishedFile(try call.parameters.string("fileId"), principal: principal)
        try await removeVersion(file)
        return [
            "accountId": .string(accountId), "bucketId": .string(file.bucketId), "fileId": .string(file.fileId),
            "fileName": .string(file.fileName),
        ]
    }

    /// `b2_list_unfinished_large_files`, filtered by `namePrefix`.
    func listUnfinishedLargeFiles(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("listFiles")
        let bucketId = try call.parameters.string("bucketId")
        try principal.requireBucket(bucketId)
        let prefix = try call.parameters.optionalString("namePrefix") ?? ""
        try principal.requireListingPrefix(prefix)
        let maxCount = try call.parameters.optionalInt("maxFileCount") ?? 100
        guard (1...100).contains(maxCount) else {
            throw B2APIError.outOfRange("maxFileCount must be between 1 and 100, not \(maxCount)")
        }
        var startSeq: Int64 = 0
        if let startFileId = try call.parameters.optionalString("startFileId") {
            startSeq = try await fileVersion(startFileId).seq!
        }
        _ = try await bucket(bucketId)
        let (rows, settings) = try await database.writer.read { [startSeq] db in
            let rows = try FileRecord.filter(
                FileRecord.Columns.bucketId == bucketId && FileRecord.Columns.action == "start"
                    && FileRecord.Columns.seq >= startSeq
            ).order(FileRecord.Columns.seq).fetchAll(db).filter { $0.fileName.hasBytePrefix(prefix) }
            return (
                rows, try FileSettings.loadAll(db, bucketId: bucketId, fileIds: rows.map(\.fileId))
            )
        }
        let shown = rows.prefix(Int(maxCount))
        return [
            "files": .array(
                shown.map {
                    Rendering.file(
                        $0, settings: settings[$0.fileId] ?? .init(), accountId: accountId,
                        principal: principal, version: call.version)
                }),
            "nextFileId": rows.count > Int(maxCount) ? .string(rows[Int(maxCount)].fileId) : nil,
        ]
    }

    /// A part as B2 shows it, with its large file's encryption when there is one.
    private static func render(_ part: PartRecord, encryption: FileEncryptionRecord? = nil) -> JSONValue {
        [
            "fileId": .string(part.fileId),
            "partNumber": .int(part.partNumber),
            "contentLength": .int(part.contentLength),
            "contentSha1": .string(part.contentSha1),
            "contentMd5": .optional(part.contentMd5),
            "serverSideEncryption": Encryption.render(encryption),
            "uploadTimestamp": .int(part.uploadTimestamp),
        ]
    }
}
