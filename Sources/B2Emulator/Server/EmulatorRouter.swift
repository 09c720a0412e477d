import B2JSON
import HTTPTypes
import Hummingbird
import NIOCore

/// Routes the native API, uploads and downloads to the emulator's handlers, and S3 requests to ``S3Dispatch``.
enum EmulatorRouter {
    typealias Handler = @Sendable (EmulatorState) -> (APICall) async throws -> JSONValue

    /// JSON calls: the handler, and whether it takes an account token (all but authorize).
    static let calls: [String: Handler] = [
        "b2_list_buckets": { $0.listBuckets },
        "b2_create_bucket": { $0.createBucket },
        "b2_update_bucket": { $0.updateBucket },
        "b2_delete_bucket": { $0.deleteBucket },
        "b2_get_upload_url": { $0.getUploadURL },
        "b2_list_file_names": { $0.listFileNames },
        "b2_list_file_versions": { $0.listFileVersions },
        "b2_get_file_info": { $0.getFileInfo },
        "b2_hide_file": { $0.hideFile },
        "b2_delete_file_version": { $0.deleteFileVersion },
        "b2_copy_file": { $0.copyFile },
        "b2_get_download_authorization": { $0.getDownloadAuthorization },
        "b2_start_large_file": { $0.startLargeFile },
        "b2_get_upload_part_url": { $0.getUploadPartURL },
        "b2_copy_part": { $0.copyPart },
        "b2_list_parts": { $0.listParts },
        "b2_finish_large_file": { $0.finishLargeFile },
        "b2_cancel_large_file": { $0.cancelLargeFile },
        "b2_list_unfinished_large_files": { $0.listUnfinishedLargeFiles },
        "b2_create_key": { $0.createKey },
        "b2_list_keys": { $0.listKeys },
        "b2_delete_key": { $0.deleteKey },
        "b2_update_file_retention": { ObjectLockCalls(state: $0).updateFileRetention },
        "b2_update_file_legal_hold": { ObjectLockCalls(state: $0).updateFileLegalHold },
        "b2_set_bucket_notification_rules": { NotificationCalls(state: $0).setRules },
        "b2_get_bucket_notification_rules": { NotificationCalls(state: $0).getRules },
    ]

    /// The endpoint a path addresses, for fault rules: the `b2_*` call name, or `download`.
    static func endpointName(_ path: String) -> String {
        if path.hasPrefix("/file/") { return "download" }
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[0] == "b2api" else { return "other" }
        return parts[2] == "b2_download_file_by_id" ? "download" : String(parts[2])
    }

    static func build(state: EmulatorState) -> Router<EmulatorRequestContext> {
        let router = Router(context: EmulatorRequestContext.self)
        if state.configuration.logger.logLevel <= .info {
            router.add(middleware: LogRequestsMiddleware(.info))
        }
        router.add(middleware: ErrorMiddleware())
        let transactions = TransactionCounters()
        router.add(middleware: TransactionMetricsMiddleware(counters: transactions))
        if let plan = state.configuration.faults {
            router.add(middleware: FaultMiddleware(injector: FaultInjector(plan: plan)))
        }
        router.add(middleware: TestModeMiddleware())
        router.add(middleware: CorsMiddleware(state: state))
        router.add(
            middleware: S3Dispatch(
                state: state, verifier: SigV4RequestVerifier(region: state.configuration.region))
        )
        router.on("/metrics", method: .get) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: transactions.prometheusText)))
        }
        router.on("/emulator/v1/advance_clock", method: .post) { request, context in
            json(try await ClockCalls(state: state).advanceClock(request, context: context))
        }
        for method in [HTTPRequest.Method.get, .post, .head] {
            router.on("/b2api/**", method: method) { request, context in
                try await api(request, context: context, state: state)
            }
            router.on("/file/**", method: method) { request, context in
                guard request.method != .post else {
                    throw B2APIError(.methodNotAllowed, "method_not_allowed", "Use GET or HEAD to download")
                }
                return try await state.downloadByName(request, faults: context.downloadFaults)
            }
        }
        return router
    }

    private static func api(_ request: Request, context: EmulatorRequestContext, state: EmulatorState) async throws
        -> Response
    {
        let parts = request.uri.path.split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[1].count == 2, parts[1].hasPrefix("v"), let version = Int(parts[1].dropFirst()),
            (1...4).contains(version)
        else {
            throw B2APIError.notFound("Unknown API path \(request.uri.path): use /b2api/v1 ... /b2api/v4")
        }
        let name = parts[2]
        let baseURL = request.baseURL(
            listeningPort: context.channel?.localAddress?.port,
            fallbackHost: state.configuration.host,
            scheme: state.configuration.scheme
        )
        switch (name, parts.count) {
        case ("b2_upload_file", 4...):
            try requirePost(request)
            return json(try await state.uploadFile(request, bucketId: parts[3], version: version))
        case ("b2_upload_part", 4...):
            try requirePost(request)
            return json(try await state.uploadPart(request, fileId: parts[3]))
        case ("b2_download_file_by_id", 3):
            let fileId: String
            if request.method == .post {
                fileId = try await parameters(request, context: context).string("fileId")
            } else {
                guard let id = request.uri.queryParameters["fileId"] else {
                    throw B2APIError.badRequest("Required query parameter fileId is missing")
                }
                fileId = String(id)
            }
            return try await state.downloadById(request, fileId: fileId, faults: context.downloadFaults)
        case ("b2_authorize_account", 3):
            let call = APICall(
                version: version, parameters: CallParameters(query: []), principal: nil, request: request,
                baseURL: baseURL
            )
            return json(try await state.authorizeAccount(call))
        case (_, 3):
            guard let handler = calls[name] else {
                throw B2APIError.notFound("Unknown API call \(name)")
            }
            guard request.method != .head else {
                throw B2APIError(.methodNotAllowed, "method_not_allowed", "Use POST (or GET for reads) for \(name)")
            }
            let principal = try state.authenticate(request) { $0 == .account }
            let call = APICall(
                version: version, parameters: try await parameters(request, context: context), principal: principal,
                request: request, baseURL: baseURL
            )
            return json(try await handler(state)(call))
        default:
            throw B2APIError.notFound("Unknown API path \(request.uri.path)")
        }
    }

    private static func requirePost(_ request: Request) throws {
        guard request.method == .post else {
            throw B2APIError(.methodNotAllowed, "method_not_allowed", "Uploads use POST")
        }
    }

    private static func parameters(_ request: Request, context: EmulatorRequestContext) async throws -> CallParameters {
        if request.method == .get {
            let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
            return CallParameters(query: query)
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        return try CallParameters(json: try JSONValue.parse(body))
    }

    private static func json(_ value: JSONValue) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json;charset=UTF-8", .cacheControl: "max-age=0, no-cache, no-store"],
            body: .init(byteBuffer: value.byteBuffer())
        )
    }
}
