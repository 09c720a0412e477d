/// What `account --json` prints: the key, its endpoints and capabilities, and where each setting came from.
struct AccountReport: Encodable, Sendable {
    var accountId: String
    var keyId: String
    var apiUrl: String
    var downloadUrl: String
    var s3ApiUrl: String
    var capabilities: [String]
    /// The everyday capabilities the key lacks.
    var cannot: [String]
    var profile: String
    /// For each setting, where it was found.
    var credentialSources: [String: String]
    var region: String?
    var allowedBuckets: [String]?
    var namePrefix: String?
    /// Why the configured endpoint does not match the account's region.
    var endpointWarning: String?
}
