import Foundation
import Hummingbird
import Logging

/// Turns every error a route throws into `application/problem+json`: problems as they are, Hummingbird's own
/// errors (an unknown route, a too-large body) with a message, and anything else as a 500 that names no internals.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let slowed as RetryLater {
            return try slowed.response(from: request, context: context)
        } catch let error as HTTPError {
            let detail: String
            switch error.status {
            case .notFound:
                detail = "No route matches \(request.method) \(request.uri.path): see /openapi.yaml for the routes"
            case .methodNotAllowed:
                detail = "\(request.uri.path) does not accept \(request.method): see /openapi.yaml"
            case .contentTooLarge:
                detail = "The request body is too large: send at most 1 MiB of JSON"
            default:
                detail = error.body ?? "The request could not be served: check it against /openapi.yaml"
            }
            return try Problem(error.status, error.status.reasonPhrase, detail).response(
                from: request, context: context)
        } catch {
            logger.error("Request failed", metadata: ["service.path": "\(request.uri.path)"])
            return try Problem(
                .internalServerError, "Internal error",
                "The service failed to answer; the log has the path. Retry, and report it if it persists"
            ).response(from: request, context: context)
        }
    }
}
