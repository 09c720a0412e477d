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

    /// The headers of a request that creates an object: its content type and its user metadata as `x-amz-meta-*`
    /// (names lower-cased, in name order).
    static func headers(contentType: String?, metadata: [String: String]) -> [SigV4Request.Header] {
        var headers: [SigV4Request.Header] = []
        if let contentType { headers.append(SigV4Request.Header("content-type", contentType)) }
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) {
            headers.append(SigV4Request.Header("x-amz-meta-\(name.lowercased())", value))
        }
        return headers
    }

    /// The decoded path-style path: `/`, `/bucket` or `/bucket/key`.
    var path: String {
        guard let bucket else { return "/" }
        guard let key else { return "/\(bucket)" }
        return "/\(bucket)/\(key)"
    }
}
