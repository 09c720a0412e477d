import HTTPTypes
import Hummingbird

/// Counts every native and S3 call, whatever its answer, in ``TransactionCounters``; the emulator's own
/// endpoints (`/emulator/`, `/metrics`) and CORS preflights are not B2 calls and are not counted.
struct TransactionMetricsMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let counters: TransactionCounters

    func handle(
        _ request: Request,
        context: EmulatorRequestContext,
        next: (Request, EmulatorRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if request.method != .options, !path.hasPrefix("/emulator/"), path != "/metrics" {
            if S3Address.isS3(authority: request.head.authority, rawPath: path, isAWSSigned: request.isAWSSigned) {
                if let address = S3Address(authority: request.head.authority, rawPath: path) {
                    counters.record(
                        .s3(
                            method: request.method, address: address, query: request.uri.query,
                            copies: request.headers[S3Headers.copySource] != nil),
                        api: .s3)
                }
            } else if path.hasPrefix("/b2api/") || path.hasPrefix("/file/") {
                counters.record(.native(endpoint: EmulatorRouter.endpointName(path)), api: .native)
            }
        }
        return try await next(request, context)
    }
}
