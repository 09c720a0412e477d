import AsyncHTTPClient
import B2SigV4
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import _NIOFileSystem

extension B2Client {
    /// Uploads a file or bytes as `name`: in one request when small, as parallel parts when larger than the
    /// account's recommended part size.
    ///
    /// - Parameters:
    ///   - source: what to upload.
    ///   - bucket: where to.
    ///   - name: the file name in B2.
    ///   - contentType: a MIME type, or `b2/x-auto` to let B2 pick one from the name.
    ///   - info: custom file info (`src_last_modified_millis` is added for files).
    ///   - partSize: the part size for large files (default: the account's recommendation).
    ///   - concurrency: parts in flight at once.
    ///   - options: encryption, retention and legal hold of the new file (the bucket's defaults when empty).
    ///   - progress: called with the number of bytes sent so far.
    /// - Returns: the new file version.
    @discardableResult
    public func upload(
        _ source: UploadSource,
        to bucket: B2Bucket,
        as name: String,
        contentType: String = "b2/x-auto",
        info: [String: String] = [:],
        partSize: Int64? = nil,
        concurrency: Int = 4,
        options: B2FileOptions = B2FileOptions(),
        progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws -> B2FileVersion {
        let account = try await account()
        try await require("writeFiles", to: "upload to b2://\(bucket.bucketName)/\(name)")
        if let namePrefix = account.namePrefix, !name.hasPrefix(namePrefix) {
            throw B2Error(
                .restricted,
                "This key may only write names starting with \"\(namePrefix)\": b2://\(bucket.bucketName)/\(name) "
                    + "is outside it",
                context: .init(bucket: bucket.bucketName, key: name)
            )
        }
        let (size, modified) = try source.describe()
        var info = info
        if let modified, info["src_last_modified_millis"] == nil { info["src_last_modified_millis"] = String(modified) }
        let chosenPart = max(partSize ?? account.recommendedPartSize, account.absoluteMinimumPartSize)
        let meter = ProgressMeter(report: progress)
        if size > chosenPart, case .file(let path) = source {
            return try await uploadLarge(
                path: path, size: size, bucket: bucket, name: name, contentType: contentType, info: info,
                partSize: max(chosenPart, (size + 9_999) / 10_000), concurrency: max(1, concurrency),
                options: options, meter: meter
            )
        }
        return try await uploadSmall(
            source, size: size, bucket: bucket, name: name, contentType: contentType, info: info, options: options,
            meter: meter
        )
    }

    private func uploadSmall(
        _ source: UploadSource,
        size: Int64,
        bucket: B2Bucket,
        name: String,
        contentType: String,
        info: [String: String],
        options: B2FileOptions,
        meter: ProgressMeter
    ) async throws -> B2FileVersion {
        let context = B2Error.Context(bucket: bucket.bucketName, key: name)
        var headers: [(String, String)] = [
            ("X-Bz-File-Name", PercentEncoding.b2.encode(name)), ("Content-Type", contentType),
        ]
        headers += options.uploadHeaders
        for (key, value) in info.sorted(by: { $0.key < $1.key }) {
            headers.append(("X-Bz-Info-\(key)", PercentEncoding.b2.encode(value)))
        }
        let reply: B2FileVersion = try await sendUpload(
            scope: bucket.bucketId,
            operation: "upload b2://\(bucket.bucketName)/\(name)",
            context: context,
            fetchTarget: {
                try await call(
                    "b2_get_upload_url", ["bucketId": .string(bucket.bucketId)],
                    operation: "get an upload URL for \(bucket.bucketName)", context: context,
                    as: B2Wire.UploadTarget.self
                )
            },
            headers: headers,
            source: source,
            range: 0..<size,
            meter: meter
        )
        return reply
    }

    /// Sends one upload (a small file or a part), getting a fresh upload URL after any failure, as B2 asks.
    func sendUpload<Reply: Decodable>(
        scope: String,
        operation: String,
        context: B2Error.Context,
        fetchTarget: () async throws -> B2Wire.UploadTarget,
        headers: [(String, String)],
        source: UploadSource,
        range: Range<Int64>,
        meter: ProgressMeter
    ) async throws -> Reply {
        try await retryLoop.run(
            operation,
            // A refused upload URL is never used again (it is not checked back in): the next attempt gets a fresh one.
            renew: { true },
            unreachable: { error in
                B2Error(.transport, "Could not \(operation): \(error)", context: context, cause: DescribedError(error))
            }
        ) { attempt in
            let target: UploadTargetPool.Target
            if let idle = await uploadTargets.checkOut(scope) {
                target = idle
            } else {
                let fresh = try await fetchTarget()
                target = .init(url: fresh.uploadUrl, token: fresh.authorizationToken)
            }
            let sent = meter.checkpoint()
            logger.debug("Uploading", metadata: ["b2.operation": "\(operation)", "b2.attempt": "\(attempt)"])
            let status: Int
            let answerHeaders: HTTPHeaders
            let body: ByteBuffer
            let digest: String?
            do {
                (status, answerHeaders, body, digest) = try await post(
                    to: target, headers: headers, source: source, range: range, meter: meter
                )
            } catch {
                meter.rewind(to: sent)
                throw error
            }
            guard status == 200 else {
                meter.rewind(to: sent)
                var refusal = Self.refusal(status: status, headers: answerHeaders, body: body) { answer in
                    B2Error.service(
                        status: status, code: answer?.code, message: answer?.explanation, operation: operation,
                        context: context
                    )
                }
                // B2 asks for a new upload URL after a 401 as after a 5xx.
                refusal.credentialsExpired = status == 401
                return .refused(refusal)
            }
            await uploadTargets.checkIn(target, for: scope)
            let reply = try JSONDecoder().decode(Reply.self, from: Data(body.readableBytesView))
            let stored = (reply as? B2FileVersion)?.contentSha1 ?? (reply as? B2Wire.Part)?.contentSha1
            if let digest, let stored, stored != digest {
                throw B2Error(
                    .integrity, "B2 stored SHA-1 \(stored) but b2kit sent \(digest): upload again", context: context
                )
            }
            return .done(reply)
        }
    }

    /// POSTs the bytes of `range` with `hex_digits_at_end`, hashing as they stream; returns the answer and the SHA-1.
    private func post(
        to target: UploadTargetPool.Target,
        headers: [(String, String)],
        source: UploadSource,
        range: Range<Int64>,
        meter: ProgressMeter
    ) async throws -> (Int, HTTPHeaders, ByteBuffer, String?) {
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: target.token)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let length = range.upperBound - range.lowerBound
        let digest = Mutex<String?>(nil)
        let deadline = NIODeadline.now() + .seconds(max(120, length / 10_000_000))
        switch source {
        case .bytes(let buffer):
            let slice = buffer.getSlice(at: buffer.readerIndex + Int(range.lowerBound), length: Int(length))!
            let sha1 = slice.withUnsafeReadableBytes { Hex.string(Insecure.SHA1.hash(data: $0)) }
            request.headers.add(name: "X-Bz-Content-Sha1", value: sha1)
            request.headers.add(name: "Content-Length", value: String(length))
            request.body = .bytes(slice)
            let response = try await transport.execute(request, deadline: deadline)
            let body = try await response.body.collect(upTo: 1 << 20)
            meter.add(length)
            return (Int(response.status.code), response.headers, body, sha1)
        case .file(let path):
            request.headers.add(name: "X-Bz-Content-Sha1", value: "hex_digits_at_end")
            return try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                let chunks = handle.readChunks(in: range, chunkLength: .kibibytes(512))
                let counted = CountingSequence(base: chunks, meter: meter)
                let hashing = HashingTrailerSequence(base: counted) { hex in digest.withLock { $0 = hex } }
                request.body = .stream(hashing, length: .known(length + 40))
                let response = try await transport.execute(request, deadline: deadline)
                let body = try await response.body.collect(upTo: 1 << 20)
                return (Int(response.status.code), response.headers, body, digest.withLock { $0 })
            }
        }
    }
}
