import GRDB
import HTTPTypes
import Hummingbird

/// Applies buckets' CORS rules: answers browsers' `OPTIONS` preflights on downloads by name (`/file/BUCKET/...`)
/// and on path-style S3 objects (`/BUCKET/KEY`), and adds `Access-Control-Allow-Origin` to the actual responses
/// of requests that carry an `Origin` a rule allows.
struct CorsMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext
    let state: EmulatorState

    private static let origin = HTTPField.Name("Origin")!
    private static let requestMethod = HTTPField.Name("Access-Control-Request-Method")!
    private static let requestHeaders = HTTPField.Name("Access-Control-Request-Headers")!
    private static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let origin = request.headers[Self.origin]
        if request.method == .options {
            return try await preflight(request, origin: origin)
        }
        var response = try await next(request, context)
        if let origin, let target = Self.target(path: request.uri.path, method: request.method),
            let rule = try await matchingRule(bucketName: target.bucket, operation: target.operation, origin: origin)
        {
            response.headers[Self.allowOrigin] = origin
            response.headers[.vary] = "Origin"
            if !rule.exposeHeaders.isEmpty {
                response.headers[HTTPField.Name("Access-Control-Expose-Headers")!] = rule.exposeHeaders.joined(
                    separator: ", ")
            }
        }
        return response
    }

    private func preflight(_ request: Request, origin: String?) async throws -> Response {
        guard let origin, let methodText = request.headers[Self.requestMethod],
            let method = HTTPRequest.Method(methodText)
        else {
            throw B2APIError.badRequest("A CORS preflight needs Origin and Access-Control-Request-Method headers")
        }
        guard let target = Self.target(path: request.uri.path, method: method) else {
            throw B2APIError.badRequest(
                "CORS preflights are answered for /file/BUCKET/NAME and S3 /BUCKET/KEY, not \(request.uri.path)")
        }
        let asked = (request.headers[Self.requestHeaders] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }.filter { !$0.isEmpty }
        guard
            let rule = try await matchingRule(
                bucketName: target.bucket, operation: target.operation, origin: origin, headers: asked)
        else {
            throw B2APIError(
                .forbidden, "access_denied", "",
                guidance: "No CORS rule of bucket \(target.bucket) allows \(origin) to use \(target.operation)"
                    + (asked.isEmpty ? "" : " with headers \(asked.joined(separator: ", "))"))
        }
        var headers: HTTPFields = [
            Self.allowOrigin: origin, .vary: "Origin",
            HTTPField.Name("Access-Control-Allow-Methods")!: methodText,
            HTTPField.Name("Access-Control-Max-Age")!: String(rule.maxAgeSeconds),
            .contentLength: "0",
        ]
        if !asked.isEmpty { headers[HTTPField.Name("Access-Control-Allow-Headers")!] = asked.joined(separator: ", ") }
        return Response(status: .ok, headers: headers)
    }

    /// The bucket and B2 operation a request path and method address, when CORS rules can apply to them.
    static func target(path: String, method: HTTPRequest.Method) -> (bucket: String, operation: String)? {
        if path.hasPrefix("/file/") {
            guard method == .get || method == .head else { return nil }
            let rest = path.dropFirst("/file/".count)
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            return (String(rest[..<slash]), "b2_download_file_by_name")
        }
        guard !path.hasPrefix("/b2api/"), !path.hasPrefix("/emulator/") else { return nil }
        let parts = path.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let operation: String
        switch method {
        case .get: operation = "s3_get"
        case .head: operation = "s3_head"
        case .put: operation = "s3_put"
        case .post: operation = "s3_post"
        case .delete: operation = "s3_delete"
        default: return nil
        }
        return (String(parts[0]), operation)
    }

    private func matchingRule(
        bucketName: String, operation: String, origin: String, headers: [String] = []
    ) async throws -> CorsRule? {
        let text = try await state.database.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT corsRules FROM bucket WHERE bucketName = ?", arguments: [bucketName])
        }
        guard let text, text != "[]" else { return nil }
        return CorsRule.rules(stored: text).first {
            $0.allowedOperations.contains(operation) && $0.allows(origin: origin) && $0.allows(headers: headers)
        }
    }
}
