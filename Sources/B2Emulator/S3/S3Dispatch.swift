import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Sends S3 requests (virtual-host style, or any path outside `/b2api/` and `/file/`) to the S3 handlers and
/// answers every failure in S3's XML error shape; native requests pass through.
struct S3Dispatch: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let state: EmulatorState
    let verifier: any S3SignatureVerifier

    func handle(
        _ request: Request,
        context: EmulatorRequestContext,
        next: (Request, EmulatorRequestContext) async throws -> Response
    ) async throws -> Response {
        let rawPath = request.uri.path
        guard S3Address.isS3(authority: request.head.authority, rawPath: rawPath, isAWSSigned: request.isAWSSigned)
        else {
            return try await next(request, context)
        }
        let requestId = Identifiers.hex(bytes: 8).uppercased()
        var request = request
        let drain = request.hasBody ? S3RequestBodyDrain(request.body) : nil
        if let drain { request.body = drain.requestBody }
        var response: Response
        do {
            response = try await serve(request, requestId: requestId)
        } catch let error as S3Error {
            response = error.response(method: request.method, resource: rawPath, requestId: requestId)
        } catch let error as B2APIError {
            response = S3Error(translating: error).response(
                method: request.method, resource: rawPath, requestId: requestId)
        } catch {
            context.logger.error(
                "S3 request failed", metadata: ["b2.error": "\(error)", "b2.path": "\(rawPath)"])
            response = S3Error(.internalServerError, "InternalError", "The emulator failed to handle the request")
                .response(method: request.method, resource: rawPath, requestId: requestId)
        }
        response.headers[S3Headers.requestId] = requestId
        response.headers[S3Headers.id2] = requestId
        if response.status.code >= 400, let drain, await !drain.discardRest(limit: 8 << 20) {
            // What is left of the body cannot be read past: close the connection rather than let its bytes be
            // parsed as the next request.
            response.headers[.connection] = "close"
        }
        return response
    }

    private func serve(_ request: Request, requestId: String) async throws -> Response {
        guard let address = S3Address(authority: request.head.authority, rawPath: request.uri.path) else {
            throw S3Error.invalidURI("the path is not valid percent-encoded UTF-8")
        }
        let principal = try await authenticate(request)
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let call = S3Call(
            request: request, address: address, query: query, principal: principal, requestId: requestId)
        return try await S3Router.route(call, state: state)
    }

    /// Verifies the signature and finds the key, refusing the master key as B2 does.
    private func authenticate(_ request: Request) async throws -> Principal {
        if let keyId = request.s3AccessKeyId, keyId == state.masterKey.applicationKeyId || keyId == state.accountId {
            throw S3Error(
                .forbidden, "InvalidAccessKeyId",
                "Malformed Access Key Id: the master application key cannot be used with the S3-compatible API; "
                    + "create an application key and use its keyID and applicationKey")
        }
        let keys = state.keys
        let signature = try await verifier.verify(request, now: Date()) { keyId in
            guard let key = keys[keyId], !key.isMaster else { return nil }
            return key.applicationKey
        }
        guard let key = keys[signature.accessKeyId] else {
            throw S3Error(
                .forbidden, "InvalidAccessKeyId", "The access key id you provided does not exist in our records.")
        }
        if let expiry = key.expirationTimestamp, expiry <= state.clock.nowMillis() {
            throw S3Error.accessDenied("The application key \(key.applicationKeyId) has expired: create a new key")
        }
        let token = AuthToken(keyId: key.applicationKeyId, scope: .account, expiresAt: Int64.max)
        return Principal(key: key, token: token)
    }
}

extension Request {
    /// True when the request carries AWS authentication: an `AWS4-HMAC-SHA256` (or SigV2 `AWS `) Authorization
    /// header, or presigned `X-Amz-*` query parameters.
    var isAWSSigned: Bool {
        if let header = headers[.authorization] { return header.hasPrefix("AWS4-") || header.hasPrefix("AWS ") }
        let query = uri.query ?? ""
        return query.contains("X-Amz-Credential=") || query.contains("X-Amz-Signature=")
    }

    /// True when the request announces a body (a length above zero or chunked transfer).
    fileprivate var hasBody: Bool {
        if let length = headers[.contentLength] { return length != "0" }
        return headers[.transferEncoding] != nil
    }
}

extension S3Error {
    static func invalidURI(_ detail: String) -> S3Error {
        S3Error(.badRequest, "InvalidURI", "Couldn't parse the specified URI: \(detail)")
    }
}
