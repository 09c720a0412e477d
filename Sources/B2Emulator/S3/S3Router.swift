import HTTPTypes
import Hummingbird

/// Picks the S3 operation from the method, the address and the query, as S3 does.
enum S3Router {
    /// Sub-resources S3 has and this emulator does not serve; answered 501 rather than mistaken for a listing or
    /// an object request.
    static let unsupportedSubresources: Set<String> = [
        "accelerate", "acl", "analytics", "attributes", "cors", "encryption", "intelligent-tiering", "inventory",
        "lifecycle", "logging", "metrics", "notification", "ownershipControls", "policy", "policyStatus",
        "publicAccessBlock", "replication", "requestPayment", "restore", "select", "tagging", "torrent", "versions",
        "website",
    ]

    static func route(_ call: S3Call, state: EmulatorState) async throws -> Response {
        let method = call.request.method
        if let unsupported = call.query.keys.first(where: { unsupportedSubresources.contains($0) }) {
            throw S3Error(
                .notImplemented, "NotImplemented",
                "The emulator does not implement the ?\(unsupported) sub-resource of the S3 API")
        }
        guard call.address.bucket != nil else {
            guard method == .get else { throw methodNotAllowed(call) }
            return try await state.s3ListBuckets(call)
        }
        guard call.address.key != nil else {
            switch method {
            case .put where call.has("object-lock"):
                return try await S3ObjectLockCalls(state: state).putConfiguration(call)
            case .put: return try await state.s3CreateBucket(call)
            case .delete: return try await state.s3DeleteBucket(call)
            case .head: return try await state.s3HeadBucket(call)
            case .post where call.has("delete"): return try await state.s3DeleteObjects(call)
            case .get where call.has("location"): return try await state.s3GetBucketLocation(call)
            case .get where call.has("versioning"): return try await state.s3GetBucketVersioning(call)
            case .get where call.has("object-lock"):
                return try await S3ObjectLockCalls(state: state).getConfiguration(call)
            case .get where call.has("uploads"): return try await state.s3ListMultipartUploads(call)
            case .get where call.query["list-type"] == "2": return try await state.s3ListObjects(call, version: 2)
            case .get: return try await state.s3ListObjects(call, version: 1)
            default: throw methodNotAllowed(call)
            }
        }
        let lockCalls = S3ObjectLockCalls(state: state)
        switch method {
        case .get where call.has("retention"): return try await lockCalls.getRetention(call)
        case .put where call.has("retention"): return try await lockCalls.putRetention(call)
        case .get where call.has("legal-hold"): return try await lockCalls.getLegalHold(call)
        case .put where call.has("legal-hold"): return try await lockCalls.putLegalHold(call)
        case .put where call.has("uploadId") && call.request.headers[S3Headers.copySource] != nil:
            return try await state.s3UploadPartCopy(call)
        case .put where call.has("uploadId"): return try await state.s3UploadPart(call)
        case .put where call.request.headers[S3Headers.copySource] != nil: return try await state.s3CopyObject(call)
        case .put: return try await state.s3PutObject(call)
        case .get where call.has("uploadId"): return try await state.s3ListParts(call)
        case .get, .head: return try await state.s3GetObject(call)
        case .delete where call.has("uploadId"): return try await state.s3AbortMultipartUpload(call)
        case .delete: return try await state.s3DeleteObject(call)
        case .post where call.has("uploads"): return try await state.s3CreateMultipartUpload(call)
        case .post where call.has("uploadId"): return try await state.s3CompleteMultipartUpload(call)
        default: throw methodNotAllowed(call)
        }
    }

    private static func methodNotAllowed(_ call: S3Call) -> S3Error {
        S3Error(
            .methodNotAllowed, "MethodNotAllowed",
            "The specified method \(call.request.method) is not allowed against this resource.")
    }

    /// An XML response.
    static func xml(_ writer: inout S3XMLWriter, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/xml"], body: .init(byteBuffer: writer.finish()))
    }

    /// An empty response, such as 204 for a delete.
    static func empty(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentLength] = "0"
        return Response(status: status, headers: headers)
    }
}
