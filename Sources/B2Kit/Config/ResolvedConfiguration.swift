/// The outcome of credential and endpoint resolution: whom to authorize as (or the embedded emulator), which API
/// base URL to use, any S3 endpoint override, and where each setting came from.
///
/// Its `description` and mirror never contain the application key.
public struct ResolvedConfiguration: Sendable, CustomStringConvertible, CustomReflectable {
    /// What the client should talk to.
    public enum Target: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
        /// A B2 account, authorized with an application key id and key.
        case remote(keyId: String, applicationKey: String)
        /// The embedded emulator of the built-in `local` profile, which the executable starts in-process.
        case local

        /// The target with the application key redacted.
        public var description: String {
            switch self {
            case .remote(let keyId, _): "remote(keyId: \(keyId), applicationKey: \(Redacted.text))"
            case .local: "local"
            }
        }

        /// A mirror without the application key, so `dump` prints no secret.
        public var customMirror: Mirror {
            Mirror(self, children: ["target": description], displayStyle: .enum)
        }
    }

    /// The native API base URL used when `B2_ENVIRONMENT` is not set.
    public static let defaultAPIBaseURL = "https://api.backblazeb2.com"

    /// The native API base URL that `B2_ENVIRONMENT` names in `environment` (a realm such as `production`, or a
    /// URL), else ``defaultAPIBaseURL``: how every command finds B2 when no profile says otherwise.
    /// - Throws: `B2Error` `.configuration` when the value is neither a realm nor an http(s) URL.
    public static func apiBaseURL(environment: [String: String]) throws -> String {
        guard let value = environment[ConfigurationSearch.environmentVariable], !value.isEmpty else {
            return defaultAPIBaseURL
        }
        return try ConfigurationSearch.apiBaseURL(realm: value)
    }
    /// The S3 endpoint used when there is no way to authorize natively and no override (as Mage does).
    public static let defaultS3Endpoint = "https://s3.us-west-004.backblazeb2.com"

    /// The account to authorize as, or the embedded emulator.
    public var target: Target
    /// The native API base URL: from `B2_ENVIRONMENT` (a URL or a realm such as `production`), else
    /// ``defaultAPIBaseURL``.
    public var apiBaseURL: String
    /// An S3 endpoint that overrides the one authorization discovers (`--endpoint-url`, `B2_ENDPOINT_URL`,
    /// or `B2_ENDPOINT_URL`/`AWS_ENDPOINT` in the profile).
    public var endpointURLOverride: String?
    /// The S3 endpoint to use when there is no way to authorize natively and no override.
    public var s3DefaultEndpoint: String
    /// The selected profile: `default`, a profile of io_config.yaml, or `local`.
    public var profileName: String
    /// Where each setting came from, by field: `profile`, `keyId`, `applicationKey`, `endpointURL`,
    /// `apiBaseURL`, `config` and `credentials`, e.g. `"keyId": "environment B2_APPLICATION_KEY_ID"`. Never a
    /// secret value.
    public var sources: [String: String]
    /// How the endpoint override is named in messages, e.g. `B2_ENDPOINT_URL` or `--endpoint-url`.
    var endpointSetting: String?

    /// Creates a resolved configuration.
    ///
    /// - Parameters:
    ///   - target: the account or the emulator.
    ///   - apiBaseURL: the native API base URL.
    ///   - endpointURLOverride: an S3 endpoint override, if any.
    ///   - s3DefaultEndpoint: the fallback S3 endpoint.
    ///   - profileName: the selected profile.
    ///   - sources: where each setting came from.
    public init(
        target: Target,
        apiBaseURL: String = ResolvedConfiguration.defaultAPIBaseURL,
        endpointURLOverride: String? = nil,
        s3DefaultEndpoint: String = ResolvedConfiguration.defaultS3Endpoint,
        profileName: String = "default",
        sources: [String: String] = [:]
    ) {
        self.target = target
        self.apiBaseURL = apiBaseURL
        self.endpointURLOverride = endpointURLOverride
        self.s3DefaultEndpoint = s3DefaultEndpoint
        self.profileName = profileName
        self.sources = sources
    }

    /// Compares the endpoint override with the S3 URL authorization returned.
    ///
    /// - Parameter accountS3ApiURL: the `s3ApiUrl` of the account's authorization.
    /// - Returns: nil when there is no override, either URL is not a B2 S3 endpoint, or both name the same region;
    ///   otherwise a `.configuration` error that names the right endpoint.
    public func regionMismatch(accountS3ApiURL: String) -> B2Error? {
        guard let endpointURLOverride else { return nil }
        return Region.mismatch(
            endpointURL: endpointURLOverride, accountS3ApiURL: accountS3ApiURL,
            setting: endpointSetting ?? "B2_ENDPOINT_URL"
        )
    }

    /// The configuration with the application key redacted, and where each setting came from.
    public var description: String {
        var parts = [
            "target: \(target)", "profile: \(profileName)", "apiBaseURL: \(apiBaseURL)",
        ]
        if let endpointURLOverride { parts.append("endpointURLOverride: \(endpointURLOverride)") }
        parts.append("s3DefaultEndpoint: \(s3DefaultEndpoint)")
        let origins = sources.sorted { $0.key < $1.key }.map { "\($0.key) from \($0.value)" }
        if !origins.isEmpty { parts.append("sources: [\(origins.joined(separator: "; "))]") }
        return "ResolvedConfiguration(\(parts.joined(separator: ", ")))"
    }

    /// A mirror without the application key, so `dump` prints no secret.
    public var customMirror: Mirror {
        Mirror(self, children: ["description": description], displayStyle: .struct)
    }
}
