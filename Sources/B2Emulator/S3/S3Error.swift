import HTTPTypes
import Hummingbird

/// An error answered to an S3 client as S3's XML error document (`Code`, `Message`, `Resource`, `RequestId`).
///
/// The code is S3's (`NoSuchKey`, `SignatureDoesNotMatch`, ...), so SDKs raise the exception they raise against
/// the real service; the message says what was wrong and, where it helps, what to do.
struct S3Error: Error, CustomStringConvertible {
    /// The HTTP status.
    let status: HTTPResponse.Status
    /// S3's error code, such as `NoSuchBucket`.
    let code: String
    /// A human-readable explanation.
    let message: String
    /// Extra response headers, such as `Content-Range` on 416.
    var headers: HTTPFields = [:]
    /// Extra elements of the error document, such as `Region` or `BucketName`.
    var details: [(String, String)] = []

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: [(String, String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    var description: String { "\(status.code) \(code): \(message)" }

    /// Renders the error document; HEAD requests get the status and headers only, as S3 answers them.
    func response(method: HTTPRequest.Method, resource: String, requestId: String) -> Response {
        var headers = self.headers
        headers[.contentType] = "application/xml"
        headers[S3Headers.requestId] = requestId
        if method == .head {
            return Response(status: status, headers: headers)
        }
        var xml = S3XMLWriter(root: "Error")
        xml.element("Code", code)
        xml.element("Message", message)
        for (name, value) in details { xml.element(name, value) }
        xml.element("Resource", resource)
        xml.element("RequestId", requestId)
        return Response(status: status, headers: headers, body: .init(byteBuffer: xml.finish()))
    }
}

extension S3Error {
    static func noSuchBucket(_ name: String) -> S3Error {
        S3Error(
            .notFound, "NoSuchBucket", "The specified bucket does not exist: \(name)", details: [("BucketName", name)])
    }
    static func noSuchKey(_ key: String) -> S3Error {
        S3Error(.notFound, "NoSuchKey", "The specified key does not exist: \(key)", details: [("Key", key)])
    }
    static func noSuchUpload(_ uploadId: String) -> S3Error {
        S3Error(
            .notFound, "NoSuchUpload",
            "The specified multipart upload does not exist: \(uploadId) was completed, aborted or never started",
            details: [("UploadId", uploadId)])
    }
    static func invalidArgument(_ message: String) -> S3Error { S3Error(.badRequest, "InvalidArgument", message) }
    static func invalidRequest(_ message: String) -> S3Error { S3Error(.badRequest, "InvalidRequest", message) }
    static func malformedXML(_ detail: String) -> S3Error {
        S3Error(
            .badRequest, "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema: \(detail)")
    }
    static func accessDenied(_ message: String) -> S3Error { S3Error(.forbidden, "AccessDenied", message) }
    static func badDigest(_ message: String) -> S3Error { S3Error(.badRequest, "BadDigest", message) }

    /// Translates an error of the native handlers (shared checks of keys, names and ranges) into S3's terms.
    init(translating error: B2APIError) {
        switch (error.status, error.code) {
        case (.unauthorized, _), (.forbidden, _):
            self.init(.forbidden, "AccessDenied", error.explanation)
        case (.rangeNotSatisfiable, _):
            self.init(.rangeNotSatisfiable, "InvalidRange", error.message)
            headers = error.headers
        case (_, "bucket_missing_file_lock"):
            self.init(.badRequest, "InvalidRequest", "Bucket is missing Object Lock Configuration")
        case (_, "bad_bucket_id"):
            self.init(.notFound, "NoSuchBucket", "The specified bucket does not exist")
        case (.badRequest, _) where error.message.hasPrefix("The object was stored using a form of Server Side"):
            self.init(.badRequest, "InvalidRequest", error.message)
        case (_, "duplicate_bucket_name"):
            self.init(.conflict, "BucketAlreadyExists", error.message)
        case (_, "too_many_buckets"):
            self.init(.badRequest, "TooManyBuckets", error.message)
        case (_, "cannot_delete_non_empty_bucket"):
            self.init(.conflict, "BucketNotEmpty", error.message)
        case (.notFound, _):
            self.init(.notFound, "NoSuchKey", error.message)
        case (.internalServerError, _):
            self.init(.internalServerError, "InternalError", error.message)
        case (.serviceUnavailable, _):
            self.init(.serviceUnavailable, "ServiceUnavailable", error.message)
            headers = error.headers
        case (.tooManyRequests, _):
            self.init(.serviceUnavailable, "SlowDown", error.message)
            headers = error.headers
        default:
            if error.message.hasPrefix("Received ") {
                self.init(.badRequest, "IncompleteBody", error.message)
            } else {
                self.init(error.status, "InvalidArgument", error.message)
            }
        }
    }
}
