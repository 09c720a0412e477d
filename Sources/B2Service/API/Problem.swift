import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem: what went wrong with a request and what to do about it, sent as
/// `application/problem+json`.
public struct Problem: HTTPResponseError, Sendable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// A short, stable title for the kind of problem.
    public let title: String
    /// What happened and what to change.
    public let detail: String
    /// The JSON field at fault, as a dotted path, when there is one.
    public let field: String?

    /// Creates a problem.
    public init(_ status: HTTPResponse.Status, _ title: String, _ detail: String, field: String? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
    }

    /// A 404 for an id that names nothing.
    static func notFound(_ kind: String, _ id: String) -> Problem {
        Problem(
            .notFound, "Not found",
            "No \(kind) has the id '\(id)': list them with GET /v1/\(kind == "run" ? "syncs/{id}/runs" : kind + "s")")
    }

    /// A 422 for a field whose value is well-typed but not acceptable.
    static func invalid(_ field: String, _ detail: String) -> Problem {
        Problem(.unprocessableContent, "Invalid field", detail, field: field)
    }

    /// Renders the problem as `application/problem+json`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(
            Body(type: "about:blank", title: title, status: status.code, detail: detail, field: field))
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(
            status: status,
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// The `application/problem+json` document; `field` only when there is one.
    private struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var field: String?
    }
}
