import AsyncHTTPClient
import B2SigV4
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import _NIOFileSystem

/// A client of an S3-compatible endpoint (B2's `s3.<region>.backblazeb2.com`, the emulator, moto), signing each
/// request with SigV4 and retrying by the same ``RetryPolicy`` as the native client.
///
/// Requests use path style (`https://s3.us-west-004.backblazeb2.com/bucket/key`), which every S3 server accepts.
///
/// ```swift
/// let s3 = try S3Client(endpoint: account.s3ApiURL, region: account.region ?? "us-west-004",
///                       credentials: SigV4Credentials(accessKeyId: keyId, secretAccessKey: key))
/// for try await entry in s3.listObjects(bucket: "photos", prefix: "2024/") { print(entry.key) }
/// ```
public struct S3Client: Sendable {
    /// The endpoint's base URL, such as `https://s3.us-west-004.backblazeb2.com`.
    public let endpoint: String
    /// The region requests are signed for.
    public let region: String
    let scheme: String
    let hostHeader: String
    let signer: SigV4Signer
    let transport: any B2Transport
    /// How failed requests are retried.
    public let retryPolicy: RetryPolicy
    /// Where the client logs; it never logs secrets.
    public let logger: Logger
    /// The signing clock; tests inject a fixed one.
    let now: @Sendable () -> Date
    /// The time allowed for one call that is not a transfer.
    public var callTimeout: TimeAmount = .seconds(120)
    /// Shared by every call of this client (and of the `B2Client` that made it, if one did).
    let breaker: CircuitBreaker
    /// The loop every request runs in.
    var retryLoop: RetryLoop { RetryLoop(policy: retryPolicy, breaker: breaker, logger: logger) }

    /// Creates a client; nothing is sent until the first call.
    /// - Parameters:
    ///   - endpoint: The S3 endpoint, `http://` or `https://`, with an optional port; a path is ignored.
    ///   - region: The region to sign for, such as `us-west-004`.
    ///   - credentials: The application key id and key (kept in memory, never logged).
    ///   - transport: The HTTP transport.
    ///   - retryPolicy: When and how to retry.
    ///   - logger: Where to log.
    ///   - now: The clock used for signing.
    /// - Throws: ``B2Error`` with code `configuration` when the endpoint is not an http(s) URL.
    public init(
        endpoint: String,
        region: String,
        credentials: SigV4Credentials,
        transport: any B2Transport = AsyncHTTPClientTransport(),
        retryPolicy: RetryPolicy = .standard,
        logger: Logger = Logger(label: "b2kit.s3"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        try self.init(
            endpoint: endpoint, region: region, credentials: credentials, transport: transport,
            retryPolicy: retryPolicy, logger: logger, now: now,
            breaker: CircuitBreaker(window: retryPolicy.unreachableWindow))
    }

    /// Creates a client that shares `breaker` with another client of the same account.
    init(
        endpoint: String,
        region: String,
        credentials: SigV4Credentials,
        transport: any B2Transport,
        retryPolicy: RetryPolicy,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        breaker: CircuitBreaker
    ) throws {
        guard let schemeEnd = endpoint.range(of: "://") else {
            throw B2Error(
                .configuration, "The S3 endpoint \(endpoint) is not a URL: use https://s3.REGION.backblazeb2.com")
        }
        let scheme = endpoint[..<schemeEnd.lowerBound].lowercased()
        let rest = endpoint[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard scheme == "http" || scheme == "https", !authority.isEmpty else {
            throw B2Error(.configuration, "The S3 endpoint \(endpoint) is not an http(s) URL with a host")
        }
        var host = String(authority)
        if scheme == "https", host.hasSuffix(":443") { host.removeLast(4) }
        if scheme == "http", host.hasSuffix(":80") { host.removeLast(3) }
        self.scheme = scheme
        self.hostHeader = host
        self.endpoint = "\(scheme)://\(host)"
        self.region = region
        self.signer = SigV4Signer(credentials: credentials, region: region)
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.logger = logger
        self.now = now
        self.breaker = breaker
    }

    /// The access key id requests are signed with.
    public var accessKeyId: String { signer.credentials.accessKeyId }

    /// Sends a request, signed afresh on each attempt, retrying 408, 429, 5xx and dropped connections.
    ///
    /// - Returns: The response of a 2xx answer; its body streams and must be consumed or dropped by the caller.
    /// - Throws: ``B2Error`` built from S3's XML error document, with S3's `Code` and request id.
    func send(
        _ request: S3Request, operation: String, context: B2Error.Context = .init(), timeout: TimeAmount? = nil
    ) async throws -> HTTPClientResponse {
        try await retryLoop.run(
            operation,
            renew: { false },
            unreachable: { error in
                B2Error(
                    .transport, "Could not reach the S3 endpoint \(endpoint) to \(operation): \(error)",
                    context: context, cause: DescribedError(error))
            }
        ) { _ in
            let response = try await execute(request, deadline: .now() + (timeout ?? transferTimeout(request.body)))
            let status = Int(response.status.code)
            guard !(200..<300).contains(status) else { return .done(response) }
            let body = try? await response.body.collect(upTo: 1 << 20)
            let document = body.flatMap { S3XMLElement.parse($0.readableBytesView) }
            return .refused(
                Refusal(
                    status: status, retryAfter: RetryPolicy.retryAfter(response.headers.first(name: "Retry-After")),
                    credentialsExpired: false,
                    error: B2Error.s3(
                        status: status, document: document, headers: response.headers, operation: operation,
                        endpoint: endpoint, region: region, accessKeyId: accessKeyId, context: context)))
        }
    }

    /// Sends a request and reads its whole (small) answer.
    func call(
        _ request: S3Request, operation: String, context: B2Error.Context = .init()
    ) async throws -> (HTTPHeaders, ByteBuffer) {
        let response = try await send(request, operation: operation, context: context)
        let body = try await response.body.collect(upTo: 16 << 20)
        return (response.headers, body)
    }

    /// Sends a request and parses its XML answer.
    func callXML(
        _ request: S3Request, operation: String, context: B2Error.Context = .init()
    ) async throws -> S3XMLElement {
        let (_, body) = try await call(request, operation: operation, context: context)
        guard let document = S3XMLElement.parse(body.readableBytesView) else {
            throw B2Error(
                .server, "The S3 endpoint \(endpoint) answered \(operation) with XML b2kit cannot read",
                context: context)
        }
        return document
    }

    private func transferTimeout(_ body: S3Body) -> TimeAmount {
        max(callTimeout, .seconds(body.length / 5_000_000))
    }

    /// Signs and sends one attempt.
    private func execute(_ request: S3Request, deadline: NIODeadline) async throws -> HTTPClientResponse {
        var signable = SigV4Request(
            method: request.method, host: hostHeader, path: request.path, query: request.query,
            headers: request.headers)
        let payload: SigV4Payload
        switch request.body {
        case .empty: payload = .empty
        case .bytes(let buffer): payload = .sha256(of: buffer.readableBytesView)
        case .file: payload = .unsigned
        }
        if request.body.length > 0 || request.method == "PUT" || request.method == "POST" {
            signable.headers.append(SigV4Request.Header("content-length", String(request.body.length)))
        }
        let signature = signer.signHeaders(signable, payload: payload, date: now())
        let query = request.query.isEmpty ? "" : "?" + signable.encodedQuery
        var http = HTTPClientRequest(url: endpoint + signable.encodedPath + query)
        http.method = HTTPMethod(rawValue: request.method)
        for header in signable.headers + signature.headers { http.headers.add(name: header.name, value: header.value) }
        logger.debug("Calling S3", metadata: ["s3.method": "\(request.method)", "s3.path": "\(signable.path)"])
        switch request.body {
        case .empty:
            return try await transport.execute(http, deadline: deadline)
        case .bytes(let buffer):
            http.body = .bytes(buffer)
            return try await transport.execute(http, deadline: deadline)
        case .file(let path, let range):
            return try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                http.body = .stream(
                    handle.readChunks(in: range, chunkLength: .kibibytes(512)),
                    length: .known(range.upperBound - range.lowerBound))
                // The file closes when this closure returns, so the (small) answer is read here.
                let response = try await transport.execute(http, deadline: deadline)
                let body = try await response.body.collect(upTo: 1 << 20)
                return HTTPClientResponse(
                    version: response.version, status: response.status, headers: response.headers, body: .bytes(body))
            }
        }
    }
}
