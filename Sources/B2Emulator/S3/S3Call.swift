import Hummingbird

/// One authenticated S3 request: where it points, its query, and the key that signed it.
struct S3Call: Sendable {
    let request: Request
    let address: S3Address
    /// The decoded query parameters (a bare `?uploads` has an empty value).
    let query: [String: String]
    /// The application key behind the signature, with B2's checks of what it may do.
    let principal: Principal
    /// The request id echoed in `x-amz-request-id` and error documents.
    let requestId: String

    /// True when the query has a parameter, with or without a value.
    func has(_ name: String) -> Bool { query[name] != nil }

    /// The bucket the request names; only called for bucket and object operations.
    var bucketName: String { address.bucket ?? "" }

    /// The object key; only called for object operations.
    var key: String { address.key ?? "" }

    /// An integer query parameter, or `InvalidArgument` when it is not one.
    func int(_ name: String) throws -> Int? {
        guard let text = query[name] else { return nil }
        guard let value = Int(text) else { throw S3Error.invalidArgument("\(name) must be an integer, not \(text)") }
        return value
    }
}
