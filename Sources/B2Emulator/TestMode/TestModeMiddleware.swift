import HTTPTypes
import Hummingbird

/// Answers native API calls that carry `X-Bz-Test-Mode` as ``TestMode`` describes; the token lifetime of
/// `expire_some_account_authorization_tokens` is applied where the token is issued, in `b2_authorize_account`.
struct TestModeMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let uploads = TestModeUploadCounter()

    static let uploadEndpoints: Set<String> = ["b2_upload_file", "b2_upload_part"]

    func handle(
        _ request: Request,
        context: EmulatorRequestContext,
        next: (Request, EmulatorRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let mode = try TestMode(request.headers) else { return try await next(request, context) }
        let endpoint = EmulatorRouter.endpointName(request.uri.path)
        let isUpload = Self.uploadEndpoints.contains(endpoint)
        switch mode {
        case .failSomeUploads where isUpload && uploads.nextFails():
            throw B2APIError(
                .serviceUnavailable, "service_unavailable",
                "X-Bz-Test-Mode fail_some_uploads failed this upload on purpose: get a new upload URL and try again")
        case .forceCapExceeded where endpoint != "b2_authorize_account":
            let cap = isUpload ? "storage" : endpoint == "download" ? "download" : "transaction"
            throw B2APIError(
                .forbidden, "\(cap)_cap_exceeded",
                "Cap exceeded (X-Bz-Test-Mode force_cap_exceeded): raise the \(cap) cap in the account's caps and alerts"
            )
        default:
            return try await next(request, context)
        }
    }
}
