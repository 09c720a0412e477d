import Hummingbird

/// One call to a `/b2api/vN/b2_*` JSON endpoint, parsed and authorized.
struct APICall: Sendable {
    /// The API version from the URL, 1 to 4.
    let version: Int
    let parameters: CallParameters
    /// The authorized key; nil only for `b2_authorize_account`.
    let principal: Principal!
    let request: Request
    /// The base URL clients reach this emulator at, from the `Host` header.
    let baseURL: String
}

extension Request {
    /// `http://host:port` (or `https://`) as the client addressed this server; the listening port fills in a `Host` without one.
    func baseURL(listeningPort: Int?, fallbackHost: String, scheme: String = "http") -> String {
        let authority = head.authority ?? fallbackHost
        if authority.hasSuffix("]") || !authority.contains(":"), let listeningPort {
            return "\(scheme)://\(authority):\(listeningPort)"
        }
        return "\(scheme)://" + authority
    }

    /// The token from the `Authorization` header or the `Authorization` query parameter.
    var authorizationToken: String? {
        if let header = headers[.authorization], !header.isEmpty { return header }
        return uri.queryParameters["Authorization"].map(String.init)
    }
}
