import B2JSON
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error answered to a client in B2's JSON error shape: `{"status": 400, "code": "bad_request", "message": "..."}`.
///
/// The status and code follow B2's published error table, so official clients map them to the same exceptions
/// they raise against the real service. The message is B2's own text (empty where B2 sends it empty, as for
/// `unauthorized`, where b2sdk writes its own text from the key's restrictions); what was wrong and what to do, in
/// b2kit's words, goes in `guidance`, a field of its own that the official clients ignore.
struct B2APIError: Error, HTTPResponseError, CustomStringConvertible {
    /// The HTTP status, repeated as `status` in the JSON body.
    let status: HTTPResponse.Status
    /// B2's snake_case error code, such as `bad_request` or `expired_auth_token`.
    let code: String
    /// B2's message, as B2 words it.
    let message: String
    /// What was wrong and what to do, sent as the extra field `guidance`; nil when the message says it all.
    let guidance: String?
    /// Extra response headers, such as `Retry-After` or `WWW-Authenticate`.
    var headers: HTTPFields

    /// Creates an error with B2's status, code and message.
    init(
        _ status: HTTPResponse.Status, _ code: String, _ message: String, guidance: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.guidance = guidance
        self.headers = headers
    }

    /// The guidance when there is one, else the message: what an S3 reply or a log line says.
    var explanation: String { guidance ?? message }

    var description: String { "\(status.code) \(code): \(explanation)" }

    /// Renders the error as B2's JSON body. HEAD requests get the status and headers without a body.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json;charset=UTF-8"
        headers[.cacheControl] = "max-age=0, no-cache, no-store"
        var members: [(String, JSONValue)] = [
            ("status", .int(Int64(status.code))),
            ("code", .string(code)),
            ("message", .string(message)),
        ]
        if let guidance { members.append(("guidance", .string(guidance))) }
        let body = JSONValue.object(members)
        if request.method == .head {
            return Response(status: status, headers: headers)
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body.byteBuffer()))
    }
}

extension B2APIError {
    static func badRequest(_ message: String) -> B2APIError { .init(.badRequest, "bad_request", message) }
    static func badJSON(_ message: String) -> B2APIError { .init(.badRequest, "bad_json", message) }
    static func notFound(_ message: String) -> B2APIError { .init(.notFound, "not_found", message) }
    /// 401 `unauthorized` with B2's empty message; `guidance` says which capability, bucket or name was refused.
    static func unauthorized(_ guidance: String) -> B2APIError {
        .init(.unauthorized, "unauthorized", "", guidance: guidance)
    }
    static func badBucketID(_ bucketID: String) -> B2APIError {
        .init(.badRequest, "bad_bucket_id", "Bucket \(bucketID) does not exist")
    }
    static func outOfRange(_ message: String) -> B2APIError { .init(.badRequest, "out_of_range", message) }
    static func internalError(_ message: String) -> B2APIError {
        .init(.internalServerError, "internal_error", message)
    }
}
