/// The result of presigning: the complete query string to append after `?`, and how it was derived.
public struct SigV4PresignedQuery: Sendable, Equatable {
    /// The encoded query: the request's parameters, the `X-Amz-*` parameters, then `X-Amz-Signature`.
    public var encodedQuery: String
    /// The canonical request that was signed.
    public var canonicalRequest: String
    /// The string to sign.
    public var stringToSign: String
    /// The hex signature.
    public var signature: String
}
