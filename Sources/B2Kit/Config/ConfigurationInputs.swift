/// Everything credential and endpoint resolution looks at: the command-line flags, the environment and the
/// current directory, all injected so resolution never reads the process's own state.
public struct ConfigurationInputs: Sendable, CustomStringConvertible, CustomReflectable {
    /// `--key-id`: the application key id.
    public var keyId: String?
    /// `--key`: the application key. Never printed.
    public var applicationKey: String?
    /// `--endpoint-url`: an S3 endpoint that overrides the one authorization discovers.
    public var endpointURL: String?
    /// `--profile`: the io_config.yaml profile to use, or `local` for the embedded emulator.
    public var profile: String?
    /// `--config`: the io_config.yaml file.
    public var configPath: String?
    /// `--credentials`: a JSON file holding `key_id` and `application_key`.
    public var credentialsPath: String?
    /// The environment variables, e.g. `ProcessInfo.processInfo.environment`. Never printed.
    public var environment: [String: String]
    /// The directory relative paths start from, and where `io_config.yaml` is looked for by default.
    public var currentDirectory: String

    /// Creates the inputs of one resolution.
    ///
    /// - Parameters:
    ///   - keyId: `--key-id`, if given.
    ///   - applicationKey: `--key`, if given.
    ///   - endpointURL: `--endpoint-url`, if given.
    ///   - profile: `--profile`, if given.
    ///   - configPath: `--config`, if given.
    ///   - credentialsPath: `--credentials`, if given.
    ///   - environment: the environment variables.
    ///   - currentDirectory: the current directory.
    public init(
        keyId: String? = nil,
        applicationKey: String? = nil,
        endpointURL: String? = nil,
        profile: String? = nil,
        configPath: String? = nil,
        credentialsPath: String? = nil,
        environment: [String: String],
        currentDirectory: String
    ) {
        self.keyId = keyId
        self.applicationKey = applicationKey
        self.endpointURL = endpointURL
        self.profile = profile
        self.configPath = configPath
        self.credentialsPath = credentialsPath
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    /// The inputs with the application key redacted and the environment reduced to its size.
    public var description: String {
        let fields: [(String, String?)] = [
            ("keyId", keyId), ("applicationKey", applicationKey.map { _ in Redacted.text }),
            ("endpointURL", endpointURL), ("profile", profile), ("configPath", configPath),
            ("credentialsPath", credentialsPath),
        ]
        let given = fields.compactMap { name, value in value.map { "\(name): \($0)" } }
        let rest = ["environment: \(environment.count) variables", "currentDirectory: \(currentDirectory)"]
        return "ConfigurationInputs(\((given + rest).joined(separator: ", ")))"
    }

    /// A mirror that shows the same redacted fields as ``description``, so `dump` prints no secret.
    public var customMirror: Mirror {
        Mirror(self, children: ["description": description], displayStyle: .struct)
    }
}

/// What stands in for a secret in descriptions.
enum Redacted {
    static let text = "<redacted>"
}
