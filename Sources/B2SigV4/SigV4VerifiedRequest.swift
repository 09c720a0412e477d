import Foundation

/// What a successful verification established about a request.
public struct SigV4VerifiedRequest: Sendable, Equatable {
    /// How the request was authenticated.
    public enum Method: Sendable, Equatable {
        /// By the `Authorization` header.
        case header
        /// By a presigned URL that stays valid until the given time.
        case presigned(expiresAt: Date)
    }

    /// The access key id that signed.
    public var accessKeyId: String
    /// The credential scope (date, region, service).
    public var scope: SigV4Scope
    /// The signing time the request claimed.
    public var timestamp: SigV4Timestamp
    /// Header or query authentication.
    public var method: Method
    /// The lower-case names of the signed headers.
    public var signedHeaders: [String]
    /// The payload claim that was signed: a hex SHA-256 the server must still check against the body it reads,
    /// `UNSIGNED-PAYLOAD`, or a streaming marker.
    public var payload: SigV4Payload
    /// The request's signature (the seed signature for `aws-chunked` bodies).
    public var signature: String
}
