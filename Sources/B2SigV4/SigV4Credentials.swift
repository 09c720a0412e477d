/// The key a request is signed with: an access key id, its secret and, for temporary credentials, a session token.
///
/// For Backblaze B2 the access key id is the application key id and the secret is the application key. The
/// description never shows the secret or the token.
public struct SigV4Credentials: Sendable, Equatable, CustomStringConvertible {
    /// The access key id (B2's application key id). Not a secret; it appears in every signed request.
    public var accessKeyId: String
    /// The secret access key (B2's application key).
    public var secretAccessKey: String
    /// A session token for temporary credentials, sent as `x-amz-security-token`.
    public var sessionToken: String?

    /// Creates credentials.
    /// - Parameters:
    ///   - accessKeyId: The access key id.
    ///   - secretAccessKey: The secret access key.
    ///   - sessionToken: A session token, for temporary credentials only.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The access key id and a redaction mark; never the secret.
    public var description: String { "SigV4Credentials(accessKeyId: \(accessKeyId), secret: <redacted>)" }
}
