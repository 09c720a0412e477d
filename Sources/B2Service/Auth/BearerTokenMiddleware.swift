import Foundation
import Hummingbird

/// Lets a request through only with `Authorization: Bearer TOKEN` for a token the store holds unrevoked.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let store: any ServiceStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw Problem(
                .unauthorized, "Missing token",
                "Send Authorization: Bearer TOKEN; create a token with 'b2kit service token create'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            try await store.validToken(hash: TokenIssuer.hash(String(parts[1]))) != nil
        else {
            throw Problem(
                .unauthorized, "Invalid token",
                "The bearer token is unknown or revoked: list tokens with 'b2kit service token list', create one "
                    + "with 'b2kit service token create'")
        }
        return try await next(request, context)
    }
}
