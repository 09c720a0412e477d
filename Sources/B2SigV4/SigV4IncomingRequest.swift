/// A request as a server received it: the method, the path and query exactly as on the request line, and headers.
public struct SigV4IncomingRequest: Sendable, Equatable {
    /// The HTTP method.
    public var method: String
    /// The path as sent (percent-encoded), such as `/bucket/my%20key`.
    public var rawPath: String
    /// The query as sent, without `?`; empty when there is none.
    public var rawQuery: String
    /// Every header received, in order; repeated names appear more than once.
    public var headers: [SigV4Request.Header]

    /// Creates an incoming request.
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - target: The request target as sent, such as `/bucket/key?uploadId=1&partNumber=2`.
    ///   - headers: Every header received.
    public init(method: String, target: String, headers: [SigV4Request.Header]) {
        self.method = method
        if let mark = target.firstIndex(of: "?") {
            rawPath = String(target[..<mark])
            rawQuery = String(target[target.index(after: mark)...])
        } else {
            rawPath = target
            rawQuery = ""
        }
        self.headers = headers
    }

    /// The first value of a header, by case-insensitive name.
    /// - Parameter name: The header name.
    /// - Returns: The value, or `nil` when absent.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// The query's pairs, still encoded, split at `&` and the first `=`; empty pieces are dropped.
    var encodedQueryPairs: [(String, String)] {
        rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { piece in
            if let equals = piece.firstIndex(of: "=") {
                return (String(piece[..<equals]), String(piece[piece.index(after: equals)...]))
            }
            return (String(piece), "")
        }
    }

    /// The first decoded value of a query parameter, by exact name.
    /// - Parameter name: The decoded parameter name.
    /// - Returns: The decoded value, or `nil` when absent or malformed.
    public func queryValue(_ name: String) -> String? {
        for (encodedName, encodedValue) in encodedQueryPairs where PercentEncoding.sigV4.decode(encodedName) == name {
            return PercentEncoding.sigV4.decode(encodedValue)
        }
        return nil
    }

    /// Whether the request carries query (presigned) authentication.
    public var isPresigned: Bool { queryValue("X-Amz-Signature") != nil || queryValue("X-Amz-Credential") != nil }

    /// Whether the request carries any SigV4 authentication, by header or by query.
    public var isAuthenticated: Bool { header("authorization") != nil || isPresigned }
}
