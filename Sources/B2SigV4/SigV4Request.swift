/// A request to sign: method, decoded path, decoded query parameters and the headers to sign.
///
/// The path and the query are given decoded (`/bucket/my key.txt`, `prefix` = `a b`); the signer encodes them the
/// way S3 does, and ``encodedPath`` and ``encodedQuery`` give the exact text to put on the wire so that what is
/// sent is what was signed.
public struct SigV4Request: Sendable, Equatable {
    /// One header: a name (any case) and its value.
    public struct Header: Sendable, Equatable {
        /// The header name, in any case.
        public var name: String
        /// The header value.
        public var value: String

        /// Creates a header.
        /// - Parameters:
        ///   - name: The header name.
        ///   - value: The value.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// One query parameter, decoded. A parameter without `=` (such as `?uploads`) has an empty value.
    public struct QueryItem: Sendable, Equatable {
        /// The decoded name.
        public var name: String
        /// The decoded value; empty for a bare name.
        public var value: String

        /// Creates a query parameter.
        /// - Parameters:
        ///   - name: The decoded name.
        ///   - value: The decoded value.
        public init(_ name: String, _ value: String = "") {
            self.name = name
            self.value = value
        }
    }

    /// The HTTP method, such as `GET`.
    public var method: String
    /// The decoded path, starting with `/`, such as `/bucket/photos/2024 summer.jpg`.
    public var path: String
    /// The decoded query parameters, in any order.
    public var query: [QueryItem]
    /// The headers to sign. Include `host`; `user-agent`, `expect`, `transfer-encoding` and `x-amzn-trace-id` are
    /// never signed because proxies rewrite them.
    public var headers: [Header]

    /// Creates a request.
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - host: The `Host` header value, with `:port` when the port is not the scheme's default.
    ///   - path: The decoded path, starting with `/`.
    ///   - query: The decoded query parameters.
    ///   - headers: Other headers to sign, such as `range` or `content-type`.
    public init(method: String, host: String, path: String, query: [QueryItem] = [], headers: [Header] = []) {
        self.method = method
        self.path = path.isEmpty ? "/" : path
        self.query = query
        self.headers = [Header("host", host)] + headers
    }

    /// The path encoded once, keeping `/`: the text for the request line and the canonical request.
    public var encodedPath: String { PercentEncoding.sigV4Path.encode(path) }

    /// The query encoded and sorted as in the canonical request, such as `max-keys=2&prefix=J`; empty without query.
    public var encodedQuery: String { SigV4Canonical.query(query.map { ($0.name, $0.value) }) }
}
