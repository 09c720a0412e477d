import Hummingbird
import Logging

/// Renders every failure in B2's JSON error shape, so clients always see a status, a code and a message.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    func handle(
        _ request: Request,
        context: EmulatorRequestContext,
        next: (Request, EmulatorRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as B2APIError {
            throw error
        } catch let error as FaultInjected {
            throw error
        } catch let error as HTTPError {
            switch error.status {
            case .notFound:
                throw B2APIError.notFound(
                    "No such endpoint: \(request.method) \(request.uri.path) (native calls are under /b2api/ and "
                        + "/file/; S3 requests must be signed with AWS Signature Version 4)")
            case .contentTooLarge:
                throw B2APIError.badRequest("The request body is too large for a JSON call")
            default:
                throw B2APIError(error.status, "bad_request", error.body ?? "\(error.status.reasonPhrase)")
            }
        } catch {
            context.logger.error(
                "Request failed", metadata: ["b2.error": "\(error)", "b2.path": "\(request.uri.path)"])
            throw B2APIError.internalError("The emulator failed to handle the request: \(error)")
        }
    }
}
