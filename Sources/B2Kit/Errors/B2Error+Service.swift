extension B2Error {
    /// Turns a B2 error answer into a `B2Error` whose message says what to do.
    ///
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - code: B2's error code.
    ///   - message: B2's message.
    ///   - operation: what b2kit was doing, e.g. "list files in b2://bucket/prefix".
    ///   - context: bucket and key involved.
    static func service(
        status: Int,
        code: String?,
        message: String?,
        operation: String,
        context: Context
    ) -> B2Error {
        var context = context
        context.httpStatus = status
        context.b2Code = code
        let said = (message?.isEmpty ?? true) ? "" : ": \(message!)"
        switch (status, code) {
        case (401, "unauthorized"):
            return B2Error(
                .restricted,
                "B2 refused to \(operation)\(said). The key lacks a capability or is restricted to other buckets "
                    + "or names; run 'b2kit account' to see what it may do",
                context: context
            )
        case (401, "expired_auth_token"), (401, "key_expired"):
            return B2Error(
                .expiredCredentials, "The key or its token has expired\(said): create a new key", context: context)
        case (401, _):
            return B2Error(
                .badCredentials, "B2 refused the key while trying to \(operation)\(said): check the key id and key",
                context: context
            )
        case (404, _), (400, "bad_bucket_id"), (400, "invalid_bucket_id"), (400, "file_not_present"),
            (400, "no_such_file"):
            return B2Error(.notFound, "Could not \(operation): not found\(said)", context: context)
        case (400, "duplicate_bucket_name"):
            return B2Error(
                .alreadyExists,
                "Could not \(operation): the bucket name is taken (names are global across all B2 accounts); "
                    + "choose another",
                context: context
            )
        case (409, _):
            return B2Error(
                .conflict, "Could not \(operation): it changed meanwhile\(said); try again", context: context)
        case (416, _):
            return B2Error(
                .invalidRequest, "Could not \(operation): the range is outside the file\(said)", context: context)
        case (429, _):
            return B2Error(
                .rateLimited, "B2 kept answering 'too many requests' to \(operation); try again later", context: context
            )
        case (503, _):
            return B2Error(
                .serviceUnavailable, "B2 was unavailable to \(operation)\(said); try again later", context: context)
        case (500...599, _):
            return B2Error(.server, "B2 failed to \(operation)\(said)", context: context)
        default:
            return B2Error(.invalidRequest, "B2 refused to \(operation)\(said)", context: context)
        }
    }
}
