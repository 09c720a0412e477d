/// The body of `POST /v1/connections` as a client sends it: a Backblaze connection from an application key.
public struct ConnectionRequest: Encodable, Sendable {
    /// `provider_config`: where the credentials sit in Mixpeek's connection shape.
    public struct ProviderConfig: Encodable, Sendable {
        /// The key.
        public var credentials: Credentials
    }

    /// `credentials`: an application key id and its secret.
    public struct Credentials: Encodable, Sendable {
        /// Always `application_key`.
        public var type = "application_key"
        /// The application key id.
        public var keyId: String
        /// The application key.
        public var applicationKey: String

        enum CodingKeys: String, CodingKey {
            case type
            case keyId = "key_id"
            case applicationKey = "application_key"
        }
    }

    /// The connection's name.
    public var name: String
    /// Always `backblaze`.
    public var providerType = "backblaze"
    /// The credentials.
    public var providerConfig: ProviderConfig

    enum CodingKeys: String, CodingKey {
        case name
        case providerType = "provider_type"
        case providerConfig = "provider_config"
    }

    /// Creates the body of a Backblaze connection.
    /// - Parameters:
    ///   - name: The connection's name.
    ///   - keyId: The application key id.
    ///   - applicationKey: The application key.
    public init(name: String, keyId: String, applicationKey: String) {
        self.name = name
        providerConfig = ProviderConfig(credentials: Credentials(keyId: keyId, applicationKey: applicationKey))
    }
}
