import AsyncHTTPClient
import B2SigV4
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// What a download delivered.
public struct B2DownloadResult: Sendable, Equatable {
    /// Bytes delivered.
    public var length: Int64
    /// The SHA-1 B2 holds for the whole file, when it knows one (nil for ranges and unverifiable large files).
    public var sha1: String?
    /// The file's modification time: its `src_last_modified_millis` when set, else its upload time.
    public var modifiedMillis: Int64?
}

extension B2Client {
    /// Streams a file (or a range of it) to `sink`, resuming after dropped connections and checking the SHA-1 of
    /// whole files.
    /// - Parameter expectedSize: the file's size when the caller knows it (from a listing). A body of
    ///   `largeDownloadSize` or more (this size, or the range's) is read on a connection of its own in large reads
    ///   (`B2Transport.executeLargeDownload`); smaller ones share the client's pooled connections.
    @discardableResult
    public func download(
        bucketName: String,
        name: String,
        range: ClosedRange<Int64>? = nil,
        expectedSize: Int64? = nil,
        encryption: B2Encryption? = nil,
        progress: (@Sendable (Int64) -> Void)? = nil,
        into sink: (ByteBuffer) async throws -> Void
    ) async throws -> B2DownloadResult {
        let operation = "download b2://\(bucketName)/\(name)"
        let context = B2Error.Context(bucket: bucketName, key: name)
        try await checkReadable(bucketName: bucketName, name: name)
        var reader = ResumableRangeReader(range: range, loop: retryLoop, operation: operation, context: context)
        var hasher = range == nil ? Insecure.SHA1() : nil
        let large = (range.map { $0.upperBound - $0.lowerBound + 1 } ?? expectedSize ?? 0) >= Self.largeDownloadSize
        var expected: String?
        var modified: Int64?
        /// Chunks handed to `sink` whose bytes are not hashed yet.
        var unhashed: [ByteBuffer] = []
        /// Receives chunks, handing each to `sink` and keeping it in `unhashed` when `keep`, until a batch is full;
        /// true at the end.
        func receiveBatch(
            from iterator: inout HTTPClientResponse.Body.AsyncIterator, offset: inout Int64, keep: Bool
        ) async throws -> Bool {
            var size = 0
            while size < Self.hashBatchSize {
                guard let chunk = try await iterator.next() else { return true }
                if keep { unhashed.append(chunk) }
                size += chunk.readableBytes
                try await ResumableRangeReader.deliver(chunk, to: sink)
                offset += Int64(chunk.readableBytes)
                progress?(offset - (range?.lowerBound ?? 0))
            }
            return false
        }
        try await reader.read(
            open: { requested in
                try await openDownload(
                    bucketName: bucketName, name: name, range: requested, operation: operation, context: context,
                    large: large, encryption: encryption)
            },
            first: { response in
                (expected, modified) = Self.integrityHeaders(response.headers)
                // Nothing to check the bytes against (a large file uploaded without large_file_sha1).
                if expected == nil { hasher = nil }
                return Self.totalLength(response)
            },
            body: { body, offset in
                // Each batch is hashed on another thread while the next one is received and handed on: one
                // thread doing both was the limit (SHA-1 costs about as much CPU as receiving).
                var iterator = body.makeAsyncIterator()
                var receiving: (any Error)?
                var ended = false
                var state = hasher
                defer { hasher = state }
                while !ended, receiving == nil {
                    let (batch, before, keep) = (unhashed, state, state != nil)
                    unhashed = []
                    let handOff = HashHandOff(before)
                    async let after = Self.hashing(batch, into: handOff)
                    do {
                        ended = try await receiveBatch(from: &iterator, offset: &offset, keep: keep)
                    } catch {
                        receiving = error
                    }
                    state = await after
                }
                if let receiving { throw receiving }
            })
        let offset = reader.offset
        let length = offset - (range?.lowerBound ?? 0)
        hasher = await Self.hashing(unhashed, into: HashHandOff(hasher))
        if let hasher, let expected {
            let actual = Hex.string(hasher.finalize())
            guard actual == expected else {
                throw B2Error(
                    .integrity, "The downloaded bytes of \(name) hash to \(actual), but B2 holds \(expected): retry",
                    context: context
                )
            }
        }
        return B2DownloadResult(length: length, sha1: range == nil ? expected : nil, modifiedMillis: modified)
    }

    /// Downloads a file to `path` through a temporary file beside it, checked against B2's SHA-1 and renamed into
    /// place with the file's modification time (`FileDownload`); a large file comes on one stream if that stream is
    /// fast, else as parallel ranges (`PiecedDownload`).
    /// - Parameters:
    ///   - expectedSize: the file's size when the caller knows it (from a listing): a small file is then fetched
    ///     with one GET, without asking its size first, and a file of another size is refused as changed.
    ///   - concurrency: the most streams a large file comes on at once; 1 keeps it to one.
    ///   - singleStreamRate: the speed (bytes per second) at which a large file's first stream carries it alone.
    ///   - encryption: the SSE-C key of a file stored with one.
    @discardableResult
    public func download(
        bucketName: String,
        name: String,
        to path: String,
        expectedSize: Int64? = nil,
        concurrency: Int = 4,
        singleStreamRate: Double = B2Client.singleStreamRate,
        encryption: B2Encryption? = nil,
        progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws -> B2DownloadResult {
        try await checkReadable(bucketName: bucketName, name: name)
        let partSize = max(try await account().recommendedPartSize, 1)
        let facts = try await FileDownload(
            source: NativeDownloadSource(client: self, bucketName: bucketName, name: name, encryption: encryption),
            path: path,
            expectedSize: expectedSize, pieceSize: min(partSize, Self.maximumDownloadPieceSize),
            piecedFrom: 2 * partSize, concurrency: concurrency, singleStreamRate: singleStreamRate, logger: logger,
            progress: progress
        ).run()
        return B2DownloadResult(length: facts.length, sha1: facts.digest?.hex, modifiedMillis: facts.modifiedMillis)
    }

    /// Checks the key may read `name` before any request, with a message that says why not.
    private func checkReadable(bucketName: String, name: String) async throws {
        let account = try await account()
        try await require("readFiles", to: "download b2://\(bucketName)/\(name)")
        if let prefix = account.namePrefix, !name.hasPrefix(prefix) {
            throw B2Error(
                .restricted,
                "This key may only read names starting with \"\(prefix)\": b2://\(bucketName)/\(name) is outside it",
                context: .init(bucket: bucketName, key: name)
            )
        }
    }

    /// Sends a download request in the retry loop: transient answers are tried again and an expired token renewed.
    func openDownload(
        bucketName: String,
        name: String,
        range: ClosedRange<Int64>?,
        operation: String,
        context: B2Error.Context,
        method: HTTPMethod = .GET,
        large: Bool = false,
        encryption: B2Encryption? = nil
    ) async throws -> HTTPClientResponse {
        var token = ""
        return try await retryLoop.run(
            operation,
            renew: {
                _ = try await session.renew(replacing: token)
                return true
            },
            unreachable: { error in
                B2Error(.transport, "Could not \(operation): \(error)", context: context, cause: DescribedError(error))
            }
        ) { attempt in
            let account = try await account()
            token = account.authorizationToken
            logger.debug("Downloading", metadata: ["b2.operation": "\(operation)", "b2.attempt": "\(attempt)"])
            let url =
                "\(account.downloadURL)/file/\(PercentEncoding.b2.encode(bucketName))/\(PercentEncoding.b2.encode(name))"
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Authorization", value: account.authorizationToken)
            if let range { request.headers.add(name: "Range", value: ResumableRangeReader.header(for: range)) }
            for (name, value) in encryption?.readHeaders ?? [] { request.headers.add(name: name, value: value) }
            let response =
                large && method == .GET
                ? try await transport.executeLargeDownload(request, deadline: .now() + .hours(6))
                : try await transport.execute(request, deadline: .now() + .hours(6))
            let status = Int(response.status.code)
            if status == 200 || status == 206 { return .done(response) }
            let body = try? await response.body.collect(upTo: 1 << 20)
            var refusal = Self.refusal(status: status, headers: response.headers, body: body) { answer in
                if status == 404 {
                    return B2Error(
                        .notFound, "No file named \(name) in bucket \(bucketName) (or the bucket does not exist)",
                        context: B2Error.Context(httpStatus: 404, b2Code: answer?.code, bucket: bucketName, key: name)
                    )
                }
                return B2Error.service(
                    status: status, code: answer?.code, message: answer?.explanation, operation: operation,
                    context: context
                )
            }
            // A HEAD answer has no body to say why: the key's rights were checked before, so take an expired token.
            if method == .HEAD, status == 401 { refusal.credentialsExpired = true }
            return .refused(refusal)
        }
    }

    static func integrityHeaders(_ headers: HTTPHeaders) -> (sha1: String?, modified: Int64?) {
        var sha1 = headers.first(name: "x-bz-content-sha1")
        if sha1 == "none" || sha1?.count != 40 {
            sha1 = headers.first(name: "x-bz-info-large_file_sha1").flatMap(PercentEncoding.b2.decode)
        }
        if let value = sha1, value.hasPrefix("unverified:") { sha1 = String(value.dropFirst(11)) }
        let modified =
            headers.first(name: "x-bz-info-src_last_modified_millis").flatMap { Int64($0) }
            ?? headers.first(name: "x-bz-upload-timestamp").flatMap { Int64($0) }
        return (sha1, modified)
    }

    static func totalLength(_ response: HTTPClientResponse) -> Int64? {
        if let range = response.headers.first(name: "Content-Range"), let slash = range.lastIndex(of: "/") {
            return Int64(range[range.index(after: slash)...])
        }
        return response.headers.first(name: "Content-Length").flatMap { Int64($0) }
    }
}

extension B2Client {
    /// How many received bytes are hashed at a time, beside the receipt of the next ones: a large download's
    /// receive buffers are reused once hashed, so a batch stays within their pool (`LargeDownload.pooledReads`).
    static var hashBatchSize: Int { 1 << 20 }

    /// The largest ranged request when a large file is downloaded in parallel: at B2's recommended part size (100
    /// MB) a piece is at least `largeDownloadSize`, so each reads on a connection of its own.
    static var maximumDownloadPieceSize: Int64 { 64 << 20 }

    /// A first stream at least this fast (bytes per second) carries a whole file alone: more connections would
    /// only share its bandwidth and the machine's cores, as with a server on the same machine or network. Over
    /// the internet a stream is slower, and a file comes in parallel pieces.
    public static var singleStreamRate: Double { 300_000_000 }

    /// The smallest download body read on a connection of its own: below it, a new connection (a TLS handshake
    /// on B2) costs more than large reads save.
    public static var largeDownloadSize: Int64 { 32 << 20 }

    /// `hasher` updated with the bytes of `chunks`; nil stays nil.
    static func hashing(_ chunks: [ByteBuffer], into handOff: HashHandOff) async -> Insecure.SHA1? {
        guard var hasher = handOff.hasher else { return nil }
        for chunk in chunks { chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) } }
        return hasher
    }
}

/// A SHA-1 state handed to the task that hashes the next batch. The download loop does not touch its own copy until
/// the task hands the updated state back, and the state is a value (copied on write), so no two tasks share it.
struct HashHandOff: @unchecked Sendable {
    let hasher: Insecure.SHA1?
    init(_ hasher: Insecure.SHA1?) { self.hasher = hasher }
}
