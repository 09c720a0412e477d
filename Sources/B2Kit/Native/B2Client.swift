import AsyncHTTPClient
import B2JSON
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
    /// Shared by every call of this client and of the S3 clients it makes.
    let breaker: CircuitBreaker

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
        let breaker = CircuitBreaker(window: retryPolicy.unreachableWindow)
        self.breaker = breaker
        let authorize = Authorizer(
            apiBaseURL: base, keyId: keyId, applicationKey: applicationKey, transport: transport,
            retryPolicy: retryPolicy, breaker: breaker, logger: logger
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
        _ parameters: [String: JSONValue],
        operation: String,
        context: B2Error.Context = .init(),
        as type: Response.Type = Response.self
    ) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Array(try encoder.encode(parameters))
        var token = ""
        return try await retryLoop.run(
            name,
            renew: {
                _ = try await session.renew(replacing: token)
                return true
            },
            unreachable: { error in
                B2Error(
                    .transport, "Could not reach B2 to \(operation): \(error)", context: context,
                    cause: DescribedError(error)
                )
            }
        ) { attempt in
            let account = try await session.current()
            token = account.authorizationToken
            logger.debug("Calling B2", metadata: ["b2.call": "\(name)", "b2.attempt": "\(attempt)"])
            var request = HTTPClientRequest(url: "\(account.apiURL)/b2api/v4/\(name)")
            request.method = .POST
            request.headers.add(name: "Authorization", value: account.authorizationToken)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await transport.execute(request, deadline: .now() + callTimeout)
            let bytes = try await response.body.collect(upTo: 64 << 20)
            let status = Int(response.status.code)
            guard status == 200 else {
                return .refused(
                    Self.refusal(status: status, headers: response.headers, body: bytes) { answer in
                        B2Error.service(
                            status: status, code: answer?.code, message: answer?.explanation, operation: operation,
                            context: context
                        )
                    })
            }
            do {
                return .done(try JSONDecoder().decode(Response.self, from: Data(bytes.readableBytesView)))
            } catch {
                throw B2Error(
                    .server, "B2 answered \(name) with JSON b2kit cannot read", context: context,
                    cause: DescribedError(error)
                )
            }
        }
    }

    /// The loop every request runs in.
    var retryLoop: RetryLoop { RetryLoop(policy: retryPolicy, breaker: breaker, logger: logger) }

    /// Reads a B2 error answer: its JSON body, `Retry-After`, and whether a renewed token may help.
    static func refusal(
        status: Int,
        headers: HTTPHeaders,
        body: ByteBuffer?,
        error: (B2Wire.ErrorBody?) -> B2Error
    ) -> Refusal {
        let answer = body.flatMap {
            try? JSONDecoder().decode(B2Wire.ErrorBody.self, from: Data($0.readableBytesView))
        }
        return Refusal(
            status: status,
            retryAfter: RetryPolicy.retryAfter(headers.first(name: "Retry-After")),
            credentialsExpired: status == 401
                && (answer?.code == "expired_auth_token" || answer?.code == "bad_auth_token"),
            error: error(answer)
        )
    }
}
