/// The result of header signing: the headers to add to the request, and how they were derived.
public struct SigV4HeaderSignature: Sendable, Equatable {
    /// The headers to add: `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` (with a session token) and
    /// `Authorization`.
    public var headers: [SigV4Request.Header]
    /// The canonical request that was signed (no secret in it; useful when a server disagrees).
    public var canonicalRequest: String
    /// The string to sign.
    public var stringToSign: String
    /// The `SignedHeaders` list, such as `host;range;x-amz-content-sha256;x-amz-date`.
    public var signedHeaders: String
    /// The hex signature.
    public var signature: String

    /// The `Authorization` header value.
    public var authorization: String { headers.first { $0.name == "Authorization" }?.value ?? "" }
}
