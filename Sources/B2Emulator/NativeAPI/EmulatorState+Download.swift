import B2SigV4
import GRDB
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import _NIOFileSystem

extension EmulatorState {
    /// `GET|HEAD /file/BUCKET/NAME`: the latest visible version of a name.
    func downloadByName(_ request: Request, faults: DownloadFaults) async throws -> Response {
        let path = request.uri.path
        let rest = path.dropFirst("/file/".count)
        guard let slash = rest.firstIndex(of: "/"), let bucketName = PercentEncoding.b2.decode(rest[..<slash]),
            let fileName = PercentEncoding.b2.decode(rest[rest.index(after: slash)...]), !fileName.isEmpty
        else {
            throw B2APIError.badRequest("Download URLs look like /file/BUCKET/NAME with NAME percent-encoded")
        }
        let lookup = try lookUpForDownload(bucketName: bucketName, fileName: fileName)
        let bucket = lookup.bucket
        let latest = lookup.latest
        var principal: Principal?
        if bucket.bucketType != "allPublic" || request.authorizationToken != nil {
            let caller = try authenticate(request) { scope in
                switch scope {
                case .account, .download: true
                default: false
                }
            }
            switch caller.token.scope {
            case .download(let bucketId, let prefix):
                guard bucketId == bucket.bucketId, fileName.hasBytePrefix(prefix) else {
                    throw B2APIError.unauthorized(
                        "This download authorization covers names starting with \"\(prefix)\" in bucket \(bucketId) only"
                    )
                }
            default:
                try caller.require("readFiles")
                try caller.requireBucket(bucket.bucketId)
                try caller.requireName(fileName)
            }
            principal = caller
        }
        guard let file = latest, file.action == "upload" else {
            throw B2APIError.notFound("File with such name does not exist: \(fileName)")
        }
        return try await respond(
            with: file, settings: lookup.settings, to: request, principal: principal, faults: faults)
    }

    /// `b2_download_file_by_id`: one version by id (GET or HEAD with `?fileId=`, or POST with JSON); a version in an
    /// `allPublic` bucket needs no token, as by name.
    func downloadById(_ request: Request, fileId: String, faults: DownloadFaults) async throws -> Response {
        let (found, bucket, settings) = try await database.writer.read { db in
            let file = try FileRecord.filter(FileRecord.Columns.fileId == fileId).fetchOne(db)
            return (
                file, try file.flatMap { try BucketRecord.fetchOne(db, key: $0.bucketId) },
                try file.map { try FileSettings.loadForDownload(db, file: $0) } ?? FileSettings()
            )
        }
        var principal: Principal?
        if bucket?.bucketType != "allPublic" || request.authorizationToken != nil {
            let caller = try authenticate(request) { $0 == .account }
            try caller.require("readFiles")
            if let file = found {
                try caller.requireBucket(file.bucketId)
                try caller.requireName(file.fileName)
            }
            principal = caller
        }
        guard let file = found, file.action == "upload" else {
            throw B2APIError.notFound("File with such id does not exist: \(fileId)")
        }
        return try await respond(with: file, settings: settings, to: request, principal: principal, faults: faults)
    }

    /// Answers a GET or HEAD of a version: the whole object or one range, with `headers` (B2's download headers
    /// when nil). An encrypted version is decrypted as it is read; an SSE-C one needs its key in the request's
    /// `X-Bz-Server-Side-Encryption-Customer-*` headers, even for HEAD.
    func respond(
        with file: FileRecord,
        settings: FileSettings,
        presenting presented: Encryption.Requested? = nil,
        to request: Request,
        principal: Principal?,
        faults: DownloadFaults,
        headers customHeaders: HTTPFields? = nil
    ) async throws -> Response {
        let key = try encryption.key(
            for: settings.encryption, presented: try presented ?? Encryption.requested(headers: request.headers))
        var headers = customHeaders ?? Self.downloadHeaders(file, request: request)
        if customHeaders == nil {
            Encryption.addDownloadHeaders(settings.encryption, to: &headers)
            ObjectLock.addDownloadHeaders(settings.lock, principal: principal, to: &headers)
            Replication.addDownloadHeaders(settings.replication, to: &headers)
        }
        let range = try ByteRange.resolve(request.headers[.range], length: file.contentLength)
        let status: HTTPResponse.Status
        let slice: ClosedRange<Int64>?
        if let range {
            status = .partialContent
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(file.contentLength)"
            slice = range
        } else {
            status = .ok
            slice = file.contentLength > 0 ? 0...(file.contentLength - 1) : nil
        }
        let length = slice.map { $0.upperBound - $0.lowerBound + 1 } ?? 0
        headers[.contentLength] = String(length)
        if request.method == .head || slice == nil {
            return Response(
                status: status,
                headers: headers,
                body: ResponseBody(contentLength: 0) { writer in try await writer.finish(nil) }
            )
        }
        let path = blobs.blobPath(file.blob!)
        if !faults.truncate, key == nil, length <= BlobReader.maximumSliceSize {
            let bytes = try await smallSlice(of: file, path: path, slice: slice!)
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: bytes))
        }
        let truncateAt = faults.truncate ? max(0, length / 2) : nil
        let pieces = try await NIOThreadPool.singleton.runIfActive {
            BlobSegments.pieces(of: try BlobSegments.of(path), covering: slice!)
        }
        let body = ResponseBody(contentLength: Int(length)) { writer in
            var sent: Int64 = 0
            let chunkLength: ByteCount = length > 4 << 20 ? .mebibytes(1) : .kibibytes(256)
            for piece in pieces {
                let cipher = key.map { BlobCipher(key: $0, path: piece.path) }
                var offset = piece.range.lowerBound
                try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(piece.path)) { handle in
                    for try await read in handle.readChunks(in: piece.range, chunkLength: chunkLength) {
                        var chunk = read
                        try cipher?.apply(&chunk, at: offset)
                        offset += Int64(chunk.readableBytes)
                        if let truncateAt, sent + Int64(chunk.readableBytes) > truncateAt {
                            throw FaultInjected.truncatedBody
                        }
                        sent += Int64(chunk.readableBytes)
                        try await writer.write(chunk)
                    }
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// The bucket and latest version behind `/file/BUCKET/NAME`, from the cache while no write has happened since.
    ///
    /// The lookup is a synchronous read on prepared statements: it takes microseconds, and a hop to a reader
    /// thread would cost more than the query.
    private func lookUpForDownload(bucketName: String, fileName: String) throws -> DownloadLookup {
        let generation = database.generation.current
        if let cached = downloadLookups.lookup(bucketName: bucketName, fileName: fileName, generation: generation) {
            return cached
        }
        let found = try database.writer.read { db -> DownloadLookup? in
            let bucketStatement = try db.cachedStatement(sql: "SELECT * FROM bucket WHERE bucketName = ?")
            guard let bucket = try BucketRecord.fetchOne(bucketStatement, arguments: [bucketName]) else { return nil }
            let fileStatement = try db.cachedStatement(
                sql: """
                    SELECT * FROM file WHERE bucketId = ? AND fileName = ? AND action != 'start'
                    ORDER BY seq DESC LIMIT 1
                    """
            )
            let latest = try FileRecord.fetchOne(fileStatement, arguments: [bucket.bucketId, fileName])
            let settings = try latest.map { try FileSettings.loadForDownload(db, file: $0) } ?? FileSettings()
            return DownloadLookup(bucket: bucket, latest: latest, settings: settings)
        }
        guard let found else { throw B2APIError.notFound("Bucket \(bucketName) does not exist") }
        downloadLookups.store(found, bucketName: bucketName, fileName: fileName, generation: generation)
        return found
    }

    /// A slice of at most ``BlobReader/maximumSliceSize`` bytes, from the small-blob cache or one read.
    private func smallSlice(of file: FileRecord, path: String, slice: ClosedRange<Int64>) async throws -> ByteBuffer {
        let blob = file.blob!
        let count = Int(slice.upperBound - slice.lowerBound + 1)
        if file.contentLength <= SmallBlobCache.maximumBlobSize {
            let whole: ByteBuffer
            if let cached = smallBlobs.bytes(of: blob) {
                whole = cached
            } else {
                whole = try await BlobReader.read(path, offset: 0, count: Int(file.contentLength))
                smallBlobs.store(whole, for: blob)
            }
            return whole.getSlice(at: whole.readerIndex + Int(slice.lowerBound), length: count)!
        }
        return try await BlobReader.read(path, offset: slice.lowerBound, count: count)
    }

    /// The `x-bz-*` and content headers of a download.
    static func downloadHeaders(_ file: FileRecord, request: Request) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = file.contentType ?? "application/octet-stream"
        headers[.acceptRanges] = "bytes"
        headers[HTTPField.Name("x-bz-file-id")!] = file.fileId
        headers[HTTPField.Name("x-bz-file-name")!] = PercentEncoding.b2.encode(file.fileName)
        headers[HTTPField.Name("x-bz-content-sha1")!] = file.contentSha1 ?? "none"
        headers[HTTPField.Name("x-bz-upload-timestamp")!] = String(file.uploadTimestamp)
        headers[HTTPField.Name("x-bz-server-side-encryption")!] = nil
        for (key, value) in Rendering.stringPairs(file.fileInfo) {
            if let standard = NameRules.headerInfoKeys[key], let name = HTTPField.Name(standard) {
                headers[name] = value
            } else if let name = HTTPField.Name("x-bz-info-" + key) {
                headers.append(HTTPField(name: name, value: PercentEncoding.b2.encode(value)))
            }
        }
        let overrides: [(String, HTTPField.Name)] = [
            ("b2ContentDisposition", .contentDisposition), ("b2ContentLanguage", .contentLanguage),
            ("b2Expires", .expires), ("b2CacheControl", .cacheControl), ("b2ContentEncoding", .contentEncoding),
            ("b2ContentType", .contentType),
        ]
        let query = request.uri.queryParameters
        for (parameter, header) in overrides {
            if let value = query[parameter[...]] { headers[header] = String(value) }
        }
        return headers
    }
}
