import B2JSON
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error answered to a client in B2's JSON error shape: `{"status": 400, "code": "bad_request", "message": "..."}`.
///
/// The status and code follow B2's published error table, so official clients map them to the same exceptions
/// they raise against the real service. The message says what was wrong and, where it helps, what to do.
struct B2APIError: Error, HTTPResponseError, CustomStringConvertible {
    /// The HTTP status, repeated as `status` in the JSON body.
    let status: HTTPResponse.Status
    /// B2's snake_case error code, such as `bad_request` or `expired_auth_token`.
    let code: String
    /// A human-readable explanation.
    let message: String
    /// Extra response headers, such as `Retry-After` or `WWW-Authenticate`.
    var headers: HTTPFields

    /// Creates an error with B2's status, code and message.
    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    var description: String { "\(status.code) \(code): \(message)" }

    /// Renders the error as B2's JSON body. HEAD requests get the status and headers without a body.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json;charset=UTF-8"
        headers[.cacheControl] = "max-age=0, no-cache, no-store"
        let body: JSONValue = [
            "status": .int(Int64(status.code)),
            "code": .string(code),
            "message": .string(message),
        ]
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
    static func unauthorized(_ message: String) -> B2APIError { .init(.unauthorized, "unauthorized", message) }
    static func badBucketID(_ bucketID: String) -> B2APIError {
        .init(.badRequest, "bad_bucket_id", "Bucket \(bucketID) does not exist")
    }
    static func outOfRange(_ message: String) -> B2APIError { .init(.badRequest, "out_of_range", message) }
    static func internalError(_ message: String) -> B2APIError {
        .init(.internalServerError, "internal_error", message)
    }
}
