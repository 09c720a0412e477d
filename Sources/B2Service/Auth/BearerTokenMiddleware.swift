import Foundation
import Hummingbird

/// Lets a request through only with `Authorization: Bearer TOKEN` for a token the store holds unrevoked, and puts
/// the token in the context. Repeated bad tokens (not missing ones) from one address are slowed (`BadTokenThrottle`); a token's last
/// use is stored at most once a minute.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let store: any ServiceStore
    let throttle: BadTokenThrottle
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let header = request.headers[.authorization]
        let parts = header?.split(separator: " ", maxSplits: 1) ?? []
        var found: TokenRecord?
        if parts.count == 2, parts[0].lowercased() == "bearer" {
            found = try await store.validToken(hash: TokenIssuer.hash(String(parts[1])))
        }
        guard var token = found else {
            guard header != nil else {
                throw Problem(
                    .unauthorized, "Missing token",
                    "Send Authorization: Bearer TOKEN; create a token with 'b2kit service token create'")
            }
            if let wait = throttle.fail(context.remoteAddress?.ipAddress ?? "unknown", at: now()) {
                throw RetryLater(seconds: wait)
            }
            throw Problem(
                .unauthorized, "Invalid token",
                "The bearer token is unknown or revoked: list tokens with 'b2kit service token list', create one "
                    + "with 'b2kit service token create'")
        }
        let time = now()
        if token.lastUsedAt.map({ time.timeIntervalSince($0) >= 60 }) ?? true {
            try await store.touchToken(id: token.id, at: time)
            token.lastUsedAt = time
        }
        var context = context
        context.token = token
        return try await next(request, context)
    }
}

/// A 429 with `Retry-After`, for an address that sent too many bad tokens.
struct RetryLater: HTTPResponseError {
    let seconds: Int
    var status: HTTPResponse.Status { .tooManyRequests }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try Problem(
            .tooManyRequests, "Too many bad tokens",
            "This address sent too many unknown or revoked tokens: wait \(seconds) s, then send a valid token"
        ).response(from: request, context: context)
        response.headers[.retryAfter] = String(seconds)
        return response
    }
}
