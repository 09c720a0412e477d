import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Calls `b2_authorize_account` with HTTP Basic credentials, retrying transient failures.
struct Authorizer: Sendable {
    let apiBaseURL: String
    let keyId: String
    let applicationKey: String
    let transport: any B2Transport
    let retryPolicy: RetryPolicy
    let breaker: CircuitBreaker
    let logger: Logger

    func authorize() async throws -> B2Account {
        let loop = RetryLoop(policy: retryPolicy, breaker: breaker, logger: logger)
        return try await loop.run(
            "authorize",
            renew: { false },
            unreachable: { error in
                B2Error(
                    .transport,
                    "Could not reach \(apiBaseURL) to authorize: \(error). Check the network, or B2_ENVIRONMENT",
                    cause: DescribedError(error)
                )
            }
        ) { _ in
            var request = HTTPClientRequest(url: "\(apiBaseURL)/b2api/v4/b2_authorize_account")
            request.method = .GET
            let basic = Data("\(keyId):\(applicationKey)".utf8).base64EncodedString()
            request.headers.add(name: "Authorization", value: "Basic \(basic)")
            let response = try await transport.execute(request, deadline: .now() + .seconds(60))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            let status = Int(response.status.code)
            if status == 200 { return .done(try decode(bytes)) }
            return .refused(
                Refusal(
                    status: status,
                    retryAfter: RetryPolicy.retryAfter(response.headers.first(name: "Retry-After")),
                    credentialsExpired: false,
                    error: refusalError(status: status, bytes: bytes)
                )
            )
        }
    }

    private func refusalError(status: Int, bytes: ByteBuffer) -> B2Error {
        let answer = try? JSONDecoder().decode(B2Wire.ErrorBody.self, from: Data(bytes.readableBytesView))
        let context = B2Error.Context(httpStatus: status, b2Code: answer?.code)
        if status == 401 {
            if answer?.code == "key_expired" {
                return B2Error(
                    .expiredCredentials, "The application key \(keyId) has expired: create a new key", context: context
                )
            }
            return B2Error(
                .badCredentials,
                "B2 refused key id \(keyId): the key id or the key is wrong, or the key was deleted. "
                    + "Check B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY (or the profile in use)",
                context: context
            )
        }
        return B2Error.service(
            status: status, code: answer?.code, message: answer?.explanation, operation: "authorize", context: context
        )
    }

    private func decode(_ bytes: ByteBuffer) throws -> B2Account {
        let reply: B2Wire.Authorize
        do {
            reply = try JSONDecoder().decode(B2Wire.Authorize.self, from: Data(bytes.readableBytesView))
        } catch {
            throw B2Error(
                .server,
                "\(apiBaseURL) did not answer b2_authorize_account like B2 (is it an S3 endpoint? B2_ENVIRONMENT "
                    + "takes the native API URL, e.g. https://api.backblazeb2.com)",
                cause: DescribedError(error)
            )
        }
        let storage = reply.apiInfo.storageApi
        return B2Account(
            accountId: reply.accountId,
            keyId: keyId,
            authorizationToken: reply.authorizationToken,
            apiURL: storage.apiUrl,
            downloadURL: storage.downloadUrl,
            s3ApiURL: storage.s3ApiUrl,
            recommendedPartSize: storage.recommendedPartSize,
            absoluteMinimumPartSize: storage.absoluteMinimumPartSize,
            capabilities: storage.allowed.capabilities,
            allowedBuckets: storage.allowed.buckets?.map { (id: $0.id, name: $0.name) },
            namePrefix: storage.allowed.namePrefix
        )
    }
}
