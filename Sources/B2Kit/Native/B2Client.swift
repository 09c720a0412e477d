import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A client of B2's native API: authorizes once, renews on expiry, retries by one policy.
///
/// ```swift
/// let client = B2Client(keyId: id, applicationKey: key)
/// for try await file in client.listFileNames(bucket: "my-bucket", prefix: "logs/") { print(file.fileName) }
/// ```
public struct B2Client: Sendable {
    /// The base URL `b2_authorize_account` is called on.
    public let apiBaseURL: String
    let keyId: String
    let applicationKey: String
    let transport: any B2Transport
    /// How failed requests are retried.
    public let retryPolicy: RetryPolicy
    /// Where the client logs; it never logs secrets.
    public let logger: Logger
    /// The time allowed for one JSON call.
    public var callTimeout: TimeAmount = .seconds(120)
    let session: AuthorizationSession
    let uploadTargets = UploadTargetPool()

    /// Creates a client; nothing is sent until the first call.
    /// - Parameters:
    ///   - keyId: the application key id.
    ///   - applicationKey: the application key (kept in memory only, never logged).
    ///   - apiBaseURL: where to authorize; B2's production API by default.
    ///   - transport: the HTTP transport.
    ///   - retryPolicy: when and how to retry.
    ///   - logger: where to log.
    public init(
        keyId: String,
        applicationKey: String,
        apiBaseURL: String = "https://api.backblazeb2.com",
        transport: any B2Transport = AsyncHTTPClientTransport(),
        retryPolicy: RetryPolicy = .standard,
        logger: Logger = Logger(label: "b2kit")
    ) {
        let base = apiBaseURL.hasSuffix("/") ? String(apiBaseURL.dropLast()) : apiBaseURL
        self.apiBaseURL = base
        self.keyId = keyId
        self.applicationKey = applicationKey
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.logger = logger
        let authorize = Authorizer(
            apiBaseURL: base, keyId: keyId, applicationKey: applicationKey, transport: transport,
            retryPolicy: retryPolicy
        )
        session = AuthorizationSession { try await authorize.authorize() }
    }

    /// The account and key, authorizing on first use.
    public func account() async throws -> B2Account {
        try await session.current()
    }

    /// Fails with a message naming the capability when the key lacks it.
    func require(_ capability: String, to operation: String) async throws {
        let account = try await account()
        guard account.has(capability) else {
            throw B2Error(
                .missingCapability,
                "The key \(account.keyId) lacks the \(capability) capability needed to \(operation): create a key "
                    + "that has it (b2 key create NAME \(capability),...) and use that",
                context: .init(b2Code: "unauthorized")
            )
        }
    }

    /// Calls a JSON endpoint with the current token, renewing it once on 401 and retrying by the policy.
    func call<Response: Decodable>(
        _ name: String,
        _ parameters: [String: JSONParameter],
        operation: String,
        context: B2Error.Context = .init(),
        as type: Response.Type = Response.self
    ) async throws -> Response {
        let body = try JSONParameter.object(parameters).encoded()
        var renewed = false
        var attempt = 0
        while true {
            attempt += 1
            let account = try await session.current()
            logger.debug("Calling B2", metadata: ["b2.call": "\(name)", "b2.attempt": "\(attempt)"])
            var request = HTTPClientRequest(url: "\(account.apiURL)/b2api/v4/\(name)")
            request.method = .POST
            request.headers.add(name: "Authorization", value: account.authorizationToken)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
            let outcome: Outcome
            do {
                let response = try await transport.execute(request, deadline: .now() + callTimeout)
                let bytes = try await response.body.collect(upTo: 64 << 20)
                outcome = .answered(Int(response.status.code), response.headers, bytes)
            } catch {
                outcome = .failed(error)
            }
            switch outcome {
            case .answered(200, _, let bytes):
                do {
                    return try JSONDecoder().decode(Response.self, from: Data(bytes.readableBytesView))
                } catch {
                    throw B2Error(
                        .server, "B2 answered \(name) with JSON b2kit cannot read", context: context,
                        cause: DescribedError(error)
                    )
                }
            case .answered(let status, let headers, let bytes):
                let error = try? JSONDecoder().decode(B2Wire.ErrorBody.self, from: Data(bytes.readableBytesView))
                if status == 401, error?.code == "expired_auth_token" || error?.code == "bad_auth_token", !renewed {
                    renewed = true
                    logger.debug("Renewing authorization", metadata: ["b2.call": "\(name)"])
                    _ = try await session.renew(replacing: account.authorizationToken)
                    continue
                }
                if RetryPolicy.isRetryable(status: status), attempt < retryPolicy.maximumAttempts {
                    let wait = retryPolicy.delay(
                        afterAttempt: attempt, retryAfter: RetryPolicy.retryAfter(headers.first(name: "Retry-After"))
                    )
                    logger.debug("Retrying", metadata: ["b2.call": "\(name)", "http.status": "\(status)"])
                    try await retryPolicy.sleep(wait)
                    continue
                }
                throw B2Error.service(
                    status: status, code: error?.code, message: error?.message, operation: operation, context: context
                )
            case .failed(let error):
                if error is CancellationError { throw B2Error(.cancelled, "Cancelled while trying to \(operation)") }
                if attempt < retryPolicy.maximumAttempts {
                    logger.debug("Retrying after a transport error", metadata: ["b2.call": "\(name)"])
                    try await retryPolicy.sleep(retryPolicy.delay(afterAttempt: attempt))
                    continue
                }
                throw B2Error(
                    .transport, "Could not reach B2 to \(operation): \(error)", context: context,
                    cause: DescribedError(error)
                )
            }
        }
    }

    enum Outcome {
        case answered(Int, HTTPHeaders, ByteBuffer)
        case failed(any Error)
    }
}
