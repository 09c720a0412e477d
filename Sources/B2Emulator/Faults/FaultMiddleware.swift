import HTTPTypes
import Hummingbird

/// Injects the faults of a ``FaultPlan`` before a request reaches its handler.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let injector: FaultInjector

    func handle(
        _ request: Request,
        context: EmulatorRequestContext,
        next: (Request, EmulatorRequestContext) async throws -> Response
    ) async throws -> Response {
        let endpoint = EmulatorRouter.endpointName(request.uri.path)
        let isDownload = endpoint == "download"
        guard let fault = injector.draw(endpoint: endpoint, isDownload: isDownload) else {
            return try await next(request, context)
        }
        context.logger.info(
            "Injected fault",
            metadata: ["b2.fault": "\(fault.rawValue)", "b2.endpoint": "\(endpoint)"]
        )
        let retryAfter: HTTPFields = [.retryAfter: String(injector.plan.retryAfterSeconds)]
        switch fault {
        case .internalError:
            throw B2APIError(.internalServerError, "internal_error", "Injected fault: internal error")
        case .serviceUnavailable:
            throw B2APIError(.serviceUnavailable, "service_unavailable", "Injected fault: busy", headers: retryAfter)
        case .tooManyRequests:
            throw B2APIError(.tooManyRequests, "too_many_requests", "Injected fault: slow down", headers: retryAfter)
        case .expiredToken:
            throw B2APIError(.unauthorized, "expired_auth_token", "Authorization token has expired: authorize again")
        case .dropConnection:
            try? await context.channel?.close()
            throw FaultInjected.droppedConnection
        case .delay:
            try await Task.sleep(for: .milliseconds(injector.plan.delayMilliseconds))
            return try await next(request, context)
        case .truncateBody:
            var context = context
            context.downloadFaults.truncate = true
            return try await next(request, context)
        }
    }
}
