import B2SigV4

/// One S3 call before signing: method, bucket and key (path style), query and headers.
struct S3Request: Sendable {
    var method: String
    var bucket: String?
    var key: String?
    var query: [SigV4Request.QueryItem] = []
    var headers: [SigV4Request.Header] = []
    var body: S3Body = .empty

    init(
        _ method: String, bucket: String? = nil, key: String? = nil, query: [SigV4Request.QueryItem] = [],
        headers: [SigV4Request.Header] = [], body: S3Body = .empty
    ) {
        self.method = method
        self.bucket = bucket
        self.key = key
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The decoded path-style path: `/`, `/bucket` or `/bucket/key`.
    var path: String {
        guard let bucket else { return "/" }
        guard let key else { return "/\(bucket)" }
        return "/\(bucket)/\(key)"
    }
}
