import B2SigV4
import GRDB
import HTTPTypes
import Hummingbird

/// Multipart uploads as B2 large files: the upload id is the unfinished large file's id, parts are its parts
/// (stored with their MD5 for the ETag), and completing one finishes the large file.
extension EmulatorState {
    /// The unfinished large file an upload id names, which must belong to the addressed bucket and key.
    private func s3Upload(_ call: S3Call, bucketId: String) async throws -> FileRecord {
        let uploadId = call.query["uploadId"] ?? ""
        guard uploadId.hasPrefix("4_z"), let file = try? await fileVersion(uploadId), file.action == "start",
            file.bucketId == bucketId, file.fileName == call.key
        else {
            throw S3Error.noSuchUpload(uploadId)
        }
        return file
    }

    /// CreateMultipartUpload: starts a large file with the request's content type and `x-amz-meta-*` info.
    func s3CreateMultipartUpload(_ call: S3Call) async throws -> Response {
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
        let fileId = Identifiers.fileId(bucketId: bucket.bucketId, kind: .large, uploadTimestamp: clock.nowMillis())
        let record = FileRecord(
            seq: nil, fileId: fileId, bucketId: bucket.bucketId, fileName: key, action: "start", contentLength: 0,
            contentSha1: "none", contentMd5: nil, contentType: contentType, fileInfo: Rendering.stringMapText(info),
            uploadTimestamp: clock.nowMillis(), blob: nil
        )
        let sealed = try await database.writer.read { db in
            try Encryption.forNewVersion(requestedEncryption, fileId: fileId, bucketId: bucket.bucketId, db: db)
        }
        try blobs.makePartDirectory(fileId: fileId)
        _ = try await insertVersion(record, requested: requestedLock, encryption: sealed, principal: principal) {
            blobs.remove(blobs.partDirectory(fileId: fileId))
        }
        var xml = S3XMLWriter(root: "InitiateMultipartUploadResult")
        xml.element("Bucket", bucket.bucketName)
        xml.element("Key", key)
        xml.element("UploadId", fileId)
        var response = S3Router.xml(&xml)
        S3EncryptionHeaders.add(sealed, to: &response.headers)
        return response
    }

    /// The part number and the unfinished upload an UploadPart or UploadPartCopy writes to, for a caller that may
    /// write the key.
    private func s3PartTarget(_ call: S3Call) async throws -> (partNumber: Int, upload: FileRecord) {
        try call.principal.require("writeFiles")
        let bucket = try await s3Bucket(call)
        try call.principal.requireName(call.key)
        guard let partNumber = try call.int("partNumber"), (1...10_000).contains(partNumber) else {
            throw S3Error.invalidArgument("Part number must be an integer between 1 and 10000, inclusive")
        }
        return (partNumber, try await s3Upload(call, bucketId: bucket.bucketId))
    }

    /// UploadPart: streams one part to disk, checked like a PutObject; re-sending a part number replaces it.
    func s3UploadPart(_ call: S3Call) async throws -> Response {
        let (partNumber, upload) = try await s3PartTarget(call)
        let sealed = try await database.writer.read { db in try FileEncryptionRecord.fetchOne(db, key: upload.fileId) }
        // An SSE-C upload takes its key with every part.
        let partKey = try encryption.key(
            for: sealed, presented: try S3EncryptionHeaders.requested(call.request.headers))
        let received = try await s3Receive(call.request)
        _ = try await storePart(
            received.temporaryPath, key: partKey,
            as: PartRecord(
                fileId: upload.fileId, partNumber: Int64(partNumber), contentLength: received.length,
                contentSha1: received.sha1, contentMd5: received.md5, uploadTimestamp: clock.nowMillis()),
            gone: S3Error.noSuchUpload(upload.fileId))
        var headers: HTTPFields = [.eTag: "\"\(received.md5 ?? "")\""]
        S3EncryptionHeaders.add(sealed, to: &headers)
        return S3Router.empty(.ok, headers: headers)
    }

    /// UploadPartCopy: a part made of `x-amz-copy-source-range` (`bytes=FIRST-LAST`, all of it when absent) of the
    /// version `x-amz-copy-source` names, decrypted with the `x-amz-copy-source-server-side-encryption-customer-*`
    /// key and written with the upload's encryption, as `b2_copy_part` does natively.
    func s3UploadPartCopy(_ call: S3Call) async throws -> Response {
        try call.principal.require("readFiles")
        let (partNumber, upload) = try await s3PartTarget(call)
        let (_, _, source) = try await s3CopySourceVersion(call)
        let range = try Self.copySourceRange(
            call.request.headers[S3Headers.copySourceRange], length: source.contentLength)
        let length = range.map { Int64($0.count) } ?? source.contentLength
        guard length <= 5_000_000_000 else {
            throw S3Error.invalidRequest("A part may be at most 5 GB, and this copy is \(length) bytes")
        }
        let (sourceSealed, sealed) = try await encryptionRecords(of: source.fileId, and: upload.fileId)
        let headers = call.request.headers
        let sourceKey = try encryption.key(for: sourceSealed, presented: try S3EncryptionHeaders.copySource(headers))
        let partKey = try encryption.key(for: sealed, presented: try S3EncryptionHeaders.requested(headers))
        let part = try await storeCopiedPart(
            of: source, range: range, sourceKey: sourceKey, key: partKey, fileId: upload.fileId,
            partNumber: Int64(partNumber), gone: S3Error.noSuchUpload(upload.fileId))
        var xml = S3XMLWriter(root: "CopyPartResult")
        xml.element("LastModified", S3Time.iso8601(part.uploadTimestamp))
        xml.element("ETag", "\"\(part.contentMd5 ?? "")\"")
        var response = S3Router.xml(&xml)
        response.headers[S3Headers.copySourceVersionId] = source.fileId
        S3EncryptionHeaders.add(sealed, to: &response.headers)
        return response
    }

    /// The inclusive range an `x-amz-copy-source-range` header names; S3 takes only `bytes=FIRST-LAST`, inside
    /// the source.
    static func copySourceRange(_ header: String?, length: Int64) throws -> ClosedRange<Int64>? {
        guard let header else { return nil }
        let bounds = header.hasPrefix("bytes=") ? header.dropFirst("bytes=".count).split(separator: "-") : []
        guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]), first >= 0, first <= last
        else {
            throw S3Error.invalidArgument(
                "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are "
                    + "the zero-based offsets of the first and last bytes to copy, not \(header)")
        }
        guard last < length else {
            throw S3Error.invalidArgument("Range specified is not valid for source object of size: \(length)")
        }
        return first...last
    }

    /// ListParts, from `part-number-marker`, at most `max-parts` (1000).
    func s3ListParts(_ call: S3Call) async throws -> Response {
        try call.principal.require("writeFiles")
        let bucket = try await s3Bucket(call)
        let upload = try await s3Upload(call, bucketId: bucket.bucketId)
        let marker = try call.int("part-number-marker") ?? 0
        let maxParts = min(try call.int("max-parts") ?? 1000, 1000)
        guard maxParts >= 0 else { throw S3Error.invalidArgument("max-parts must be 0 or more") }
        let parts = try await database.writer.read { db in
            try PartRecord.filter(
                PartRecord.Columns.fileId == upload.fileId && PartRecord.Columns.partNumber > marker
            ).order(PartRecord.Columns.partNumber).limit(maxParts + 1).fetchAll(db)
        }
        let shown = parts.prefix(maxParts)
        var xml = S3XMLWriter(root: "ListPartsResult")
        xml.element("Bucket", bucket.bucketName)
        xml.element("Key", upload.fileName)
        xml.element("UploadId", upload.fileId)
        xml.element("PartNumberMarker", String(marker))
        if let last = shown.last { xml.element("NextPartNumberMarker", String(last.partNumber)) }
        xml.element("MaxParts", String(maxParts))
        xml.element("IsTruncated", parts.count > maxParts ? "true" : "false")
        xml.element("StorageClass", "STANDARD")
        for part in shown {
            xml.begin("Part")
            xml.element("PartNumber", String(part.partNumber))
            xml.element("LastModified", S3Time.iso8601(part.uploadTimestamp))
            xml.element("ETag", "\"\(part.contentMd5 ?? "")\"")
            xml.element("Size", String(part.contentLength))
            xml.end()
        }
        return S3Router.xml(&xml)
    }

    /// ListMultipartUploads: the bucket's unfinished large files under `prefix`.
    func s3ListMultipartUploads(_ call: S3Call) async throws -> Response {
        try call.principal.require("listFiles")
        let bucket = try await s3Bucket(call)
        let prefix = call.query["prefix"] ?? ""
        let uploads = try await database.writer.read { db in
            try FileRecord.filter(
                FileRecord.Columns.bucketId == bucket.bucketId && FileRecord.Columns.action == "start"
            )
            .order(FileRecord.Columns.fileName, FileRecord.Columns.seq).limit(1000).fetchAll(db)
        }.filter { $0.fileName.hasBytePrefix(prefix) }
        var xml = S3XMLWriter(root: "ListMultipartUploadsResult")
        xml.element("Bucket", bucket.bucketName)
        xml.element("Prefix", prefix)
        xml.element("MaxUploads", "1000")
        xml.element("IsTruncated", "false")
        for upload in uploads {
            xml.begin("Upload")
            xml.element("Key", upload.fileName)
            xml.element("UploadId", upload.fileId)
            xml.element("Initiated", S3Time.iso8601(upload.uploadTimestamp))
            xml.element("StorageClass", "STANDARD")
            xml.end()
        }
        return S3Router.xml(&xml)
    }

    /// AbortMultipartUpload: cancels the large file and removes its parts.
    func s3AbortMultipartUpload(_ call: S3Call) async throws -> Response {
        try call.principal.require("writeFiles")
        let bucket = try await s3Bucket(call)
        let upload = try await s3Upload(call, bucketId: bucket.bucketId)
        try await removeVersion(upload)
        return S3Router.empty(.noContent)
    }

    /// CompleteMultipartUpload: the listed parts must be every uploaded part, numbered 1...N in order, with
    /// matching ETags, all but the last at least the minimum part size. The ETag is the MD5 of the parts' MD5s
    /// followed by `-N`, as S3 computes it.
    func s3CompleteMultipartUpload(_ call: S3Call) async throws -> Response {
        try call.principal.require("writeFiles")
        let bucket = try await s3Bucket(call)
        let upload = try await s3Upload(call, bucketId: bucket.bucketId)
        let document = try S3XMLElement.parse(try await s3CollectBody(call.request, limit: 2 << 20))
        guard document.name == "CompleteMultipartUpload" else {
            throw S3Error.malformedXML("the root element must be CompleteMultipartUpload")
        }
        var listed: [(number: Int64, eTag: String)] = []
        for element in document.children("Part") {
            guard let numberText = element.child("PartNumber")?.text, let number = Int64(numberText),
                let eTag = element.child("ETag")?.text
            else {
                throw S3Error.malformedXML("every Part needs a PartNumber and an ETag")
            }
            listed.append((number, eTag.trimmingQuotes))
        }
        guard !listed.isEmpty else {
            throw S3Error.malformedXML("CompleteMultipartUpload must list at least one Part")
        }
        let parts = try await database.writer.read { db in
            try PartRecord.filter(PartRecord.Columns.fileId == upload.fileId).order(PartRecord.Columns.partNumber)
                .fetchAll(db)
        }
        for index in listed.indices.dropFirst() where listed[index].number <= listed[index - 1].number {
            throw S3Error(
                .badRequest, "InvalidPartOrder",
                "The list of parts was not in ascending order: part \(listed[index].number) follows "
                    + "\(listed[index - 1].number)")
        }
        var md5s: [UInt8] = []
        for (index, entry) in listed.enumerated() {
            guard index < parts.count, parts[index].partNumber == entry.number, entry.number == Int64(index + 1),
                parts[index].contentMd5 == entry.eTag.lowercased()
            else {
                throw S3Error(
                    .badRequest, "InvalidPart",
                    "Part \(entry.number) was not uploaded with ETag \(entry.eTag): list every uploaded part, "
                        + "numbered from 1 without gaps, with the ETag UploadPart returned",
                    details: [("PartNumber", String(entry.number))])
            }
            if index < listed.count - 1, parts[index].contentLength < configuration.absoluteMinimumPartSize {
                throw S3Error(
                    .badRequest, "EntityTooSmall",
                    "Part \(entry.number) is \(parts[index].contentLength) bytes: every part but the last must be at "
                        + "least \(configuration.absoluteMinimumPartSize) bytes")
            }
            md5s.append(contentsOf: Hex.bytes(parts[index].contentMd5 ?? "") ?? [])
        }
        guard parts.count == listed.count else {
            throw S3Error(
                .badRequest, "InvalidPart",
                "\(parts.count) parts were uploaded but \(listed.count) are listed: list every uploaded part")
        }
        var finished = upload
        finished.action = "upload"
        finished.contentLength = parts.reduce(0) { $0 + $1.contentLength }
        finished.contentSha1 = "none"
        finished.blob = upload.fileId
        finished.s3ETag = Hex.string(ContentDigest.md5(md5s)) + "-\(parts.count)"
        try blobs.promoteParts(fileId: upload.fileId)
        let now = clock.nowMillis()
        do {
            try await database.write { [finished] db in
                guard
                    try FileRecord.filter(
                        FileRecord.Columns.fileId == upload.fileId && FileRecord.Columns.action == "start"
                    ).fetchCount(db) == 1
                else {
                    throw S3Error.noSuchUpload(upload.fileId)
                }
                try PartRecord.filter(PartRecord.Columns.fileId == upload.fileId).deleteAll(db)
                _ = try FileSettings.finishLargeFile(finished, now: now, db: db)
            }
        } catch {
            blobs.demoteParts(fileId: upload.fileId)
            throw error
        }
        var xml = S3XMLWriter(root: "CompleteMultipartUploadResult")
        xml.element("Location", "/\(bucket.bucketName)/\(S3ListingEncoding.encode(upload.fileName))")
        xml.element("Bucket", bucket.bucketName)
        xml.element("Key", upload.fileName)
        xml.element("ETag", S3ObjectMetadata.eTag(finished))
        var response = S3Router.xml(&xml)
        response.headers[S3Headers.versionId] = finished.fileId
        return response
    }
}

extension String {
    /// The text without surrounding double quotes (ETags are sent quoted or bare).
    fileprivate var trimmingQuotes: String {
        var text = Substring(self)
        if text.hasPrefix("\"") { text = text.dropFirst() }
        if text.hasSuffix("\"") { text = text.dropLast() }
        return String(text)
    }
}
