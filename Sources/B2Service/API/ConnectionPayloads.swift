import Foundation

/// `credentials` of a Backblaze connection: an application key id and its secret.
struct CredentialsInput: Decodable, Sendable {
    var type: String
    var keyId: String
    var applicationKey: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type
        case keyId = "key_id"
        case applicationKey = "application_key"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        keyId = try container.decode(String.self, forKey: .keyId)
        applicationKey = try container.decode(String.self, forKey: .applicationKey)
        guard type == "application_key" else {
            throw Problem.invalid(
                "provider_config.credentials.type", "credentials.type must be \"application_key\", not \"\(type)\"")
        }
        guard !keyId.isEmpty, keyId.count <= 100, keyId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else {
            throw Problem.invalid(
                "provider_config.credentials.key_id", "key_id must be a B2 application key id: letters and digits")
        }
        guard !applicationKey.isEmpty, applicationKey.count <= 200 else {
            throw Problem.invalid(
                "provider_config.credentials.application_key", "application_key must be the key's secret (1-200 chars)")
        }
    }
}

/// `provider_config`: where the credentials sit in Mixpeek's connection shape.
struct ProviderConfigInput: Decodable, Sendable {
    var credentials: CredentialsInput

    enum CodingKeys: String, CodingKey, CaseIterable { case credentials }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        credentials = try decoder.container(keyedBy: CodingKeys.self).decode(
            CredentialsInput.self, forKey: .credentials)
    }
}

/// The body of `POST /v1/connections`.
struct ConnectionCreateInput: Decodable, Sendable {
    var name: String
    var providerType: String
    var providerConfig: ProviderConfigInput

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case providerType = "provider_type"
        case providerConfig = "provider_config"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        providerType = try container.decode(String.self, forKey: .providerType)
        providerConfig = try container.decode(ProviderConfigInput.self, forKey: .providerConfig)
        try Validation.name(name)
        guard providerType == "backblaze" else {
            throw Problem.invalid("provider_type", "provider_type must be \"backblaze\", not \"\(providerType)\"")
        }
    }
}

/// The body of `POST /v1/connections/{id}/rotate`: the new credentials, in the creation shape.
struct ConnectionRotateInput: Decodable, Sendable {
    var providerConfig: ProviderConfigInput

    enum CodingKeys: String, CodingKey, CaseIterable { case providerConfig = "provider_config" }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        providerConfig = try decoder.container(keyedBy: CodingKeys.self).decode(
            ProviderConfigInput.self, forKey: .providerConfig)
    }
}

/// A connection as the API shows it: everything but the application key.
struct ConnectionOutput: Encodable, Sendable {
    struct Credentials: Encodable, Sendable {
        var type = "application_key"
        var keyId: String
        enum CodingKeys: String, CodingKey {
            case type
            case keyId = "key_id"
        }
    }
    struct ProviderConfig: Encodable, Sendable { var credentials: Credentials }

    var id: String
    var name: String
    var providerType = "backblaze"
    var providerConfig: ProviderConfig
    var accountId: String
    var capabilities: [String]
    var allowedBucket: String?
    var namePrefix: String?
    var createdAt: Date
    var updatedAt: Date
    var createdBy: String?
    var updatedBy: String?

    enum CodingKeys: String, CodingKey {
        case id, name, capabilities
        case providerType = "provider_type"
        case providerConfig = "provider_config"
        case accountId = "account_id"
        case allowedBucket = "allowed_bucket"
        case namePrefix = "name_prefix"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case createdBy = "created_by"
        case updatedBy = "updated_by"
    }

    init(_ record: ConnectionRecord) {
        id = record.id
        name = record.name
        providerConfig = ProviderConfig(credentials: Credentials(keyId: record.keyId))
        accountId = record.accountId
        capabilities = record.capabilities
        allowedBucket = record.allowedBucket
        namePrefix = record.namePrefix
        createdAt = record.createdAt
        updatedAt = record.updatedAt
        createdBy = record.createdBy
        updatedBy = record.updatedBy
    }
}
