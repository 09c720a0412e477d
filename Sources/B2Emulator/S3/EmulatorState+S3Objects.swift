import B2SigV4
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import NIOCore

extension EmulatorState {
    /// The newest version of a name that is not an unfinished large file (an upload or a hide marker), or nil.
    func s3LatestVersion(bucketId: String, fileName: String) async throws -> FileRecord? {
        try await database.writer.read { db in
            try FileRecord.filter(
                FileRecord.Columns.bucketId == bucketId && FileRecord.Columns.fileName == fileName
                    && FileRecord.Columns.action != "start"
            ).order(FileRecord.Columns.seq.desc).fetchOne(db)
        }
    }

    /// The version a GET, HEAD or copy addresses: `versionId` (a B2 file id) or the latest, which must be an upload.
    func s3ObjectVersion(bucketId: String, key: String, versionId: String?) async throws -> FileRecord {
        if let versionId {
            guard versionId.hasPrefix("4_z"), let file = try? await fileVersion(versionId), file.bucketId == bucketId,
                file.fileName == key, file.action == "upload"
            else {
                throw S3Error(
                    .notFound, "NoSuchVersion", "The specified version \(versionId) does not exist for key \(key)",
                    details: [("Key", key), ("VersionId", versionId)])
            }
            return file
        }
        guard let file = try await s3LatestVersion(bucketId: bucketId, fileName: key), file.action == "upload" else {
            throw S3Error.noSuchKey(key)
        }
        return file
    }

    /// Streams an S3 request body to a temporary file, checking its length, `Content-MD5`, signed SHA-256 and
    /// `x-amz-checksum-*`; on any mismatch nothing is kept.
    func s3Receive(_ request: Request) async throws -> ReceivedBlob {
        let payload = try S3Payload(request)
        let received = try await blobs.receive(
            body: payload.body(request.body), contentLength: payload.length, expectation: .doNotVerify,
            includeMD5: true)
        if let sent = request.headers[S3Headers.contentMD5] {
            let actual = Data(Hex.bytes(received.md5 ?? "") ?? []).base64EncodedString()
            guard sent == actual else {
                blobs.remove(received.temporaryPath)
                throw S3Error.badDigest(
                    "The Content-MD5 you specified did not match what we received: sent \(sent), computed \(actual)")
            }
        }
        return received
    }

    /// Reads a small S3 request body (an XML document) whole, with the same checks as uploads.
    func s3CollectBody(_ request: Request, limit: Int) async throws -> [UInt8] {
        let payload = try S3Payload(request)
        guard payload.length <= Int64(limit) else {
            throw S3Error.invalidRequest("The request body is \(payload.length) bytes: the limit is \(limit)")
        }
        var bytes: [UInt8] = []
        for try await buffer in payload.body(request.body) {
            bytes.append(contentsOf: buffer.readableBytesView)
            guard bytes.count <= limit else {
                throw S3Error.invalidRequest("The request body is longer than \(limit) bytes")
            }
        }
        if let sent = request.headers[S3Headers.contentMD5] {
            let actual = Data(ContentDigest.md5(bytes)).base64EncodedString()
            guard sent == actual else {
                throw S3Error.badDigest("The Content-MD5 you specified did not match what we received")
            }
        }
        return bytes
    }

    /// PutObject: the same version a native upload makes (SHA-1 and MD5 of the bytes, file info from
    /// `x-amz-meta-*`), visible in one commit once every byte is on disk and checked.
    func s3PutObject(_ call: S3Call) async throws -> Response {
        let principal = call.principal
        try principal.require("writeFiles")
        let bucket = try await s3Bucket(call)
        let key = call.key
        try NameRules.checkFileName(key)
        try principal.requireName(key)
        let info = try S3ObjectMetadata.fileInfo(call.request, fileName: key)
        let contentType = try S3ObjectMetadata.contentType(call.request, fileName: key)
        let requestedLock = try S3ObjectLockHeaders.requested(call.request.headers)
        let requestedEncryption = try S3EncryptionHeaders.requested(call.request.headers)
        let fileId = Identifiers.fileId(bucketId: bucket.bucketId, kind: .small, uploadTimestamp: clock.nowMillis())
        let sealed = try await database.writer.read { db in
            try Encryption.forNewVersion(requestedEncryption, fileId: fileId, bucketId: bucket.bucketId, db: db)
        }
        let received = try await s3Receive(call.request)
        let record = FileRecord(
            seq: nil, fileId: fileId, bucketId: bucket.bucketId, fileName: key, action: "upload",
            contentLength: received.length, contentSha1: received.sha1, contentMd5: received.md5,
            contentType: contentType, fileInfo: Rendering.stringMapText(info), uploadTimestamp: clock.nowMillis(),
            blob: fileId
        )
        try await seal(
            received.temporaryPath, with: encryption.key(forWriting: sealed, requested: requestedEncryption),
            pieceName: fileId)
        try blobs.commit(received.temporaryPath, to: blobs.blobPath(fileId))
        _ = try await insertVersion(record, requested: requestedLock, encryption: sealed, principal: principal) {
            blobs.remove(blobs.blobPath(fileId))
        }
        var headers: HTTPFields = [.eTag: S3ObjectMetadata.eTag(record), S3Headers.versionId: fileId]
        S3EncryptionHeaders.add(sealed, to: &headers)
        return S3Router.empty(.ok, headers: headers)
    }

    /// GetObject and HeadObject, whole or one range (206, or 416 outside the object).
    func s3GetObject(_ call: S3Call) async throws -> Response {
        let principal = call.principal
        try principal.require("readFiles")
        let bucket = try await s3Bucket(call)
        try principal.requireName(call.key)
        let file = try await s3ObjectVersion(
            bucketId: bucket.bucketId, key: call.key, versionId: call.query["versionId"])
        var headers = S3ObjectMetadata.headers(file)
        let overrides: [(String, HTTPField.Name)] = [
            ("response-content-type", .contentType), ("response-content-disposition", .contentDisposition),
            ("response-cache-control", .cacheControl), ("response-content-encoding", .contentEncoding),
            ("response-content-language", .contentLanguage), ("response-expires", .expires),
        ]
        for (parameter, header) in overrides {
            if let value = call.query[parameter] { headers[header] = value }
        }
        if let match = call.request.headers[.ifNoneMatch], match == S3ObjectMetadata.eTag(file) || match == "*" {
            return S3Router.empty(.notModified, headers: [.eTag: S3ObjectMetadata.eTag(file)])
        }
        if let match = call.request.headers[.ifMatch], match != S3ObjectMetadata.eTag(file), match != "*" {
            throw S3Error(
                .preconditionFailed, "PreconditionFailed", "At least one of the preconditions failed: If-Match")
        }
        let settings = try await database.writer.read { db in try FileSettings.load(db, fileId: file.fileId) }
        S3EncryptionHeaders.add(settings.encryption, to: &headers)
        S3ObjectLockHeaders.add(settings.lock, principal: principal, to: &headers)
        return try await respond(
            with: file, settings: settings,
            presenting: try S3EncryptionHeaders.requested(call.request.headers),
            to: call.request, principal: principal, faults: DownloadFaults(), headers: headers)
    }

    /// DeleteObject: with `versionId`, removes that version; otherwise hides the name, as B2 keeps versions
    /// (S3 calls the hide marker a delete marker). Deleting a name that does not exist succeeds.
    func s3DeleteObject(_ call: S3Call) async throws -> Response {
        try call.principal.require("deleteFiles")
        let bucket = try await s3Bucket(call)
        try call.principal.requireName(call.key)
        let outcome = try await s3Delete(
            bucketId: bucket.bucketId, key: call.key, versionId: call.query["versionId"], call: call)
        var headers: HTTPFields = [:]
        if let marker = outcome.deleteMarker {
            headers[S3Headers.deleteMarker] = "true"
            headers[S3Headers.versionId] = marker
        } else if let removed = outcome.versionId {
            headers[S3Headers.versionId] = removed
        }
        return S3Router.empty(.noContent, headers: headers)
    }

    /// Deletes one version (unless Object Lock protects it; `x-amz-bypass-governance-retention: true` lifts
    /// governance) or hides a name; returns the removed version id or the new hide marker's id.
    func s3Delete(bucketId: String, key: String, versionId: String?, call: S3Call) async throws -> (
        versionId: String?, deleteMarker: String?
    ) {
        if let versionId {
            guard versionId.hasPrefix("4_z"), let file = try? await fileVersion(versionId), file.bucketId == bucketId,
                file.fileName == key
            else {
                return (versionId, nil)
            }
            let lock = try await database.writer.read { db in try FileLockRecord.fetchOne(db, key: file.fileId) }
            let bypass = call.request.headers[S3Headers.bypassGovernanceRetention]?.lowercased() == "true"
            try objectLock.checkDeletion(of: lock, bypassGovernance: bypass, principal: call.principal)
            try await removeVersion(file)
            return (versionId, file.action == "hide" ? versionId : nil)
        }
        let marker = FileRecord.hideMarker(bucketId: bucketId, fileName: key, now: clock.nowMillis())
        let hidden = try await database.write { db -> Bool in
            let latest = try FileRecord.filter(
                FileRecord.Columns.bucketId == bucketId && FileRecord.Columns.fileName == key
                    && FileRecord.Columns.action != "start"
            ).order(FileRecord.Columns.seq.desc).fetchOne(db)
            guard let latest, latest.action == "upload" else { return false }
            _ = try FileSettings.insertHideMarker(marker, db: db)
            return true
        }
        return hidden ? (nil, marker.fileId) : (nil, nil)
    }

    /// DeleteObjects: up to 1000 keys from an XML `Delete` document; each reported as deleted or as an error.
    func s3DeleteObjects(_ call: S3Call) async throws -> Response {
        try call.principal.require("deleteFiles")
        let bucket = try await s3Bucket(call)
        let document = try S3XMLElement.parse(try await s3CollectBody(call.request, limit: 2 << 20))
        guard document.name == "Delete" else { throw S3Error.malformedXML("the root element must be Delete") }
        let objects = document.children("Object")
        guard !objects.isEmpty, objects.count <= 1000 else {
            throw S3Error.malformedXML("Delete must list from 1 to 1000 Object elements, not \(objects.count)")
        }
        let quiet = document.child("Quiet")?.text == "true"
        var requests: [(key: String, versionId: String?)] = []
        for object in objects {
            guard let key = object.child("Key")?.text, !key.isEmpty else {
                throw S3Error.malformedXML("every Object needs a non-empty Key")
            }
            requests.append((key, object.child("VersionId")?.text))
        }
        var xml = S3XMLWriter(root: "DeleteResult")
        for request in requests {
            do {
                try call.principal.requireName(request.key)
                let outcome = try await s3Delete(
                    bucketId: bucket.bucketId, key: request.key, versionId: request.versionId, call: call)
                guard !quiet else { continue }
                xml.begin("Deleted")
                xml.element("Key", request.key)
                if let versionId = outcome.versionId { xml.element("VersionId", versionId) }
                if let marker = outcome.deleteMarker {
                    xml.element("DeleteMarker", "true")
                    xml.element("DeleteMarkerVersionId", marker)
                }
                xml.end()
            } catch {
                let failure =
                    (error as? S3Error) ?? (error as? B2APIError).map { S3Error(translating: $0) }
                    ?? S3Error(.internalServerError, "InternalError", "The emulator failed to delete this key")
                xml.begin("Error")
                xml.element("Key", request.key)
                if let versionId = request.versionId { xml.element("VersionId", versionId) }
                xml.element("Code", failure.code)
                xml.element("Message", failure.message)
                xml.end()
            }
        }
        return S3Router.xml(&xml)
    }

    /// The version `x-amz-copy-source` names, for CopyObject and UploadPartCopy, in a bucket the caller may read.
    func s3CopySourceVersion(_ call: S3Call) async throws -> (S3CopySource, BucketRecord, FileRecord) {
        let source = try S3CopySource(call.request.headers[S3Headers.copySource] ?? "")
        let sourceCall = S3Call(
            request: call.request, address: S3Address(bucket: source.bucket, key: source.key), query: [:],
            principal: call.principal, requestId: call.requestId)
        let sourceBucket = try await s3Bucket(sourceCall)
        try call.principal.requireName(source.key)
        let file = try await s3ObjectVersion(
            bucketId: sourceBucket.bucketId, key: source.key, versionId: source.versionId)
        return (source, sourceBucket, file)
    }

    /// CopyObject: a new version sharing the source's bytes (no copy on disk), with the source's metadata
    /// (`x-amz-metadata-directive: COPY`) or the request's (`REPLACE`).
    func s3CopyObject(_ call: S3Call) async throws -> Response {
        let principal = call.principal
        try principal.require("readFiles")
        try principal.require("writeFiles")
        let destination = try await s3Bucket(call)
        let key = call.key
        try NameRules.checkFileName(key)
        try principal.requireName(key)
        let (source, sourceBucket, file) = try await s3CopySourceVersion(call)
        let directive = call.request.headers[S3Headers.metadataDirective] ?? "COPY"
        var contentType = file.contentType
        var fileInfo = file.fileInfo
        switch directive {
        case "COPY":
            guard sourceBucket.bucketId != destination.bucketId || source.key != key || source.versionId != nil else {
                throw S3Error.invalidRequest(
                    "This copy request is illegal because it is trying to copy an object to itself without changing "
                        + "the object's metadata: use x-amz-metadata-directive REPLACE")
            }
        case "REPLACE":
            contentType = try S3ObjectMetadata.contentType(call.request, fileName: key)
            fileInfo = Rendering.stringMapText(try S3ObjectMetadata.fileInfo(call.request, fileName: key))
        default:
            throw S3Error.invalidArgument("x-amz-metadata-directive must be COPY or REPLACE, not \(directive)")
        }
        let headers = call.request.headers
        let (record, settings) = try await copyVersion(
            file, range: nil,
            to: CopyTarget(
                bucketId: destination.bucketId, fileName: key, contentType: contentType, fileInfo: fileInfo,
                encryption: try S3EncryptionHeaders.requested(headers), lock: try S3ObjectLockHeaders.requested(headers)
            ),
            sourceKey: try S3EncryptionHeaders.copySource(headers), principal: principal)
        var xml = S3XMLWriter(root: "CopyObjectResult")
        xml.element("LastModified", S3Time.iso8601(record.uploadTimestamp))
        xml.element("ETag", S3ObjectMetadata.eTag(record))
        var response = S3Router.xml(&xml)
        response.headers[S3Headers.versionId] = record.fileId
        response.headers[S3Headers.copySourceVersionId] = file.fileId
        S3EncryptionHeaders.add(settings.encryption, to: &response.headers)
        return response
    }
}

extension S3Address {
    init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }
}

/// The object an `x-amz-copy-source` header names: `[/]BUCKET/KEY[?versionId=ID]`, percent-encoded.
struct S3CopySource: Equatable {
    let bucket: String
    let key: String
    let versionId: String?

    init(_ header: String) throws {
        var text = Substring(header)
        var versionId: String?
        if let mark = text.firstIndex(of: "?") {
            let query = text[text.index(after: mark)...]
            text = text[..<mark]
            for pair in query.split(separator: "&") where pair.hasPrefix("versionId=") {
                versionId = PercentEncoding.sigV4.decode(pair.dropFirst("versionId=".count))
            }
        }
        if text.hasPrefix("/") { text = text.dropFirst() }
        guard let decoded = PercentEncoding.sigV4.decode(text), let slash = decoded.firstIndex(of: "/"),
            decoded.index(after: slash) < decoded.endIndex, slash > decoded.startIndex
        else {
            throw S3Error.invalidArgument(
                "x-amz-copy-source \"\(header)\" must be BUCKET/KEY (percent-encoded), optionally ?versionId=ID")
        }
        bucket = String(decoded[..<slash])
        key = String(decoded[decoded.index(after: slash)...])
        self.versionId = versionId
    }
}
