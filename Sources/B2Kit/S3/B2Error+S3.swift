import NIOHTTP1

extension B2Error {
    /// Turns an S3 error answer into a `B2Error` that keeps S3's `Code` and request id and says what to do, with
    /// B2's traps named: the wrong regional endpoint, the master key, a restricted key listing buckets.
    ///
    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - document: The parsed `<Error>` document, if the body was XML.
    ///   - headers: The response headers (for `x-amz-request-id` and `x-amz-bucket-region`).
    ///   - operation: What b2kit was doing, such as "list buckets" or "get s3://b/k".
    ///   - endpoint: The endpoint the request went to.
    ///   - region: The region the request was signed for.
    ///   - accessKeyId: The key id used (never the key).
    ///   - context: Bucket and key involved.
    static func s3(
        status: Int, document: S3XMLElement?, headers: HTTPHeaders, operation: String, endpoint: String,
        region: String, accessKeyId: String, context: Context
    ) -> B2Error {
        var context = context
        context.httpStatus = status
        let code = document?.text("Code")
        context.s3Code = code ?? (status == 404 ? "NotFound" : nil)
        context.requestId = document?.text("RequestId") ?? headers.first(name: "x-amz-request-id")
        let serverMessage = document?.text("Message").flatMap { $0.isEmpty ? nil : $0 }
        let said = serverMessage.map { ": \($0)" } ?? ""
        let onB2 = Region(s3EndpointURL: endpoint) != nil

        if let right = expectedRegion(document: document, headers: headers, signedFor: region), right != region {
            let rightEndpoint = Region(right).s3EndpointURL
            let advice =
                onB2
                ? "use \(rightEndpoint)"
                : "use \(rightEndpoint) on B2; for the S3 server at \(endpoint), sign for region \(right)"
            return B2Error(
                .configuration,
                "Could not \(operation): the server expects region \(right) but the request was signed for region "
                    + "\(region) at \(endpoint); \(advice) (b2kit finds the right endpoint by itself when "
                    + "B2_ENDPOINT_URL is unset)",
                context: context)
        }

        switch (status, code) {
        case (_, "AuthorizationHeaderMalformed"), (_, "AuthorizationQueryParametersError"):
            return B2Error(
                .configuration,
                "The S3 endpoint \(endpoint) refused the signature's credential scope (signed for region \(region))"
                    + "\(said). The region is usually wrong: run 'b2kit account' to see the account's S3 endpoint, "
                    + "and use that (unset B2_ENDPOINT_URL to let b2kit find it)",
                context: context)
        case (_, "InvalidAccessKeyId"):
            return B2Error(
                .badCredentials,
                "The S3 endpoint \(endpoint) does not accept the key id \(accessKeyId) (InvalidAccessKeyId). If it is "
                    + "the account's master application key: the master key is not accepted on the S3 API. Create an "
                    + "application key (b2 key create NAME listBuckets,listAllBucketNames,listFiles,readFiles,"
                    + "writeFiles,deleteFiles, or App Keys > Add a New Application Key in the web UI) and use its key "
                    + "id and key. Keys created before "
                    + "2020-05-04 are not S3-compatible either",
                context: context)
        case (_, "SignatureDoesNotMatch"):
            return B2Error(
                .badCredentials,
                "The S3 endpoint \(endpoint) says the signature does not match for key id \(accessKeyId): the "
                    + "application key is not the one that belongs to this key id; check B2_APPLICATION_KEY",
                context: context)
        case (_, "AccessDenied") where operation == "list buckets":
            return B2Error(
                .missingCapability,
                "S3 refused to list buckets (AccessDenied) for key id \(accessKeyId). A key restricted to one bucket "
                    + "needs the listAllBucketNames capability for ListBuckets over S3 (most S3 tools call it first): "
                    + "create the key with listAllBucketNames (b2 key create --bucket BUCKET NAME "
                    + "listAllBucketNames,listBuckets,readFiles,...), or name the bucket directly",
                context: context)
        case (_, "AccessDenied"), (403, nil):
            return B2Error(
                .restricted,
                "S3 refused to \(operation)\(said). The key lacks a capability or is restricted to other buckets or "
                    + "names; run 'b2kit account' to see what it may do",
                context: context)
        case (_, "ExpiredToken"), (_, "TokenRefreshRequired"):
            return B2Error(.expiredCredentials, "The key has expired\(said): create a new key", context: context)
        case (_, "RequestTimeTooSkewed"):
            return B2Error(
                .configuration,
                "S3 refused to \(operation): this machine's clock is too far from the server's\(said); fix the clock "
                    + "(timedatectl set-ntp true)",
                context: context)
        case (_, "NoSuchBucket"):
            return B2Error(
                .notFound,
                "Could not \(operation): no bucket named \(context.bucket ?? "that") (b2kit ls s3:// lists buckets)",
                context: context)
        case (_, "NoSuchKey"), (404, _):
            return B2Error(.notFound, "Could not \(operation): not found\(said)", context: context)
        case (_, "NoSuchUpload"):
            return B2Error(
                .notFound, "Could not \(operation): the multipart upload is gone (completed or aborted)\(said)",
                context: context)
        case (_, "BucketAlreadyExists"):
            return B2Error(
                .alreadyExists,
                "Could not \(operation): the bucket name is taken (names are global across all B2 accounts); "
                    + "choose another",
                context: context)
        case (_, "BucketAlreadyOwnedByYou"):
            return B2Error(.alreadyExists, "Could not \(operation): you already own that bucket", context: context)
        case (_, "BucketNotEmpty"):
            return B2Error(
                .conflict,
                "Bucket \(context.bucket ?? "") is not empty: delete its objects first "
                    + "(b2kit rm --recursive s3://\(context.bucket ?? "BUCKET")/); on B2 an S3 delete hides a file "
                    + "and keeps its versions, which b2kit rm --recursive --versions b2://\(context.bucket ?? "BUCKET")/ "
                    + "removes",
                context: context)
        case (_, "InvalidRange"), (416, _):
            return B2Error(
                .invalidRequest, "Could not \(operation): the range is outside the object\(said)", context: context)
        case (_, "PreconditionFailed"), (412, _), (409, _):
            return B2Error(
                .conflict, "Could not \(operation): it changed meanwhile\(said); try again", context: context)
        case (429, _):
            return B2Error(
                .rateLimited, "S3 kept answering 'too many requests' to \(operation); try again later", context: context
            )
        case (_, "SlowDown"), (503, _):
            return B2Error(
                .serviceUnavailable, "S3 was unavailable to \(operation)\(said); try again later", context: context)
        case (500...599, _):
            return B2Error(.server, "S3 failed to \(operation)\(said)", context: context)
        default:
            return B2Error(.invalidRequest, "S3 refused to \(operation)\(said)", context: context)
        }
    }

    /// The region the server expects, when the answer says the request was signed for the wrong one: AWS's
    /// `<Region>` element or `x-amz-bucket-region` header, or "expecting 'X'" in the message.
    static func expectedRegion(document: S3XMLElement?, headers: HTTPHeaders, signedFor region: String) -> String? {
        let code = document?.text("Code")
        let regional: Set<String> = [
            "AuthorizationHeaderMalformed", "AuthorizationQueryParametersError", "PermanentRedirect",
            "IllegalLocationConstraintException", "InvalidRegion",
        ]
        guard let code, regional.contains(code) else { return nil }
        if let named = document?.text("Region"), !named.isEmpty { return named }
        if let message = document?.text("Message"), let range = message.range(of: "expecting '") {
            let rest = message[range.upperBound...]
            if let end = rest.firstIndex(of: "'") { return String(rest[..<end]) }
        }
        if let endpoint = document?.text("Endpoint"), let named = Region(s3EndpointURL: endpoint) {
            return named.name
        }
        return headers.first(name: "x-amz-bucket-region")
    }
}
