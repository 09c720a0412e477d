import Foundation

/// One resolution in progress: the profile, the files it found, and the field-by-field search of
/// ``ConfigurationResolver``.
struct ConfigurationSearch {
    let inputs: ConfigurationInputs
    let profileName: String
    let profileSource: String
    let config: ConfigFileChoice
    let credentialsPath: (path: String, origin: String)?

    /// The io_config.yaml in use, or why there is none.
    enum ConfigFileChoice {
        case file(IOConfigFile, origin: String)
        case none
    }

    /// A value and where it came from.
    struct Found {
        let value: String
        /// For `sources`, e.g. "environment B2_APPLICATION_KEY_ID".
        let source: String
        /// How the setting is named in messages, e.g. "B2_ENDPOINT_URL" or "--endpoint-url".
        let setting: String
    }

    static let keyIdVariable = "B2_APPLICATION_KEY_ID"
    static let applicationKeyVariable = "B2_APPLICATION_KEY"
    static let endpointVariable = "B2_ENDPOINT_URL"
    static let environmentVariable = "B2_ENVIRONMENT"
    static let awsKeyIdVariable = "AWS_ACCESS_KEY_ID"
    static let awsSecretVariable = "AWS_SECRET_ACCESS_KEY"
    static let awsEndpointVariable = "AWS_ENDPOINT"
    static let realms = [
        "production": "https://api.backblazeb2.com",
        "staging": "https://api.backblaze.net",
        "dev": "http://api.backblazeb2.xyz:8180",
    ]

    init(_ inputs: ConfigurationInputs) throws {
        self.inputs = inputs
        let flags: [(String, String?)] = [
            ("--key-id", inputs.keyId), ("--key", inputs.applicationKey), ("--endpoint-url", inputs.endpointURL),
            ("--profile", inputs.profile), ("--config", inputs.configPath), ("--credentials", inputs.credentialsPath),
        ]
        for case (let flag, let value?) in flags where value.trimmingWhitespace.isEmpty {
            throw B2Error(.usage, "\(flag) is empty: give it a value, or leave it out")
        }

        if let flag = inputs.profile {
            (profileName, profileSource) = (flag.trimmingWhitespace, "flag --profile")
        } else if let variable = Self.variable("B2KIT_PROFILE", in: inputs.environment) {
            (profileName, profileSource) = (variable, "environment B2KIT_PROFILE")
        } else {
            (profileName, profileSource) = ("default", "default")
        }

        let configPath: (path: String, origin: String)?
        if let flag = inputs.configPath {
            configPath = (Self.absolute(flag, inputs), "--config")
        } else if let variable = Self.variable("B2KIT_CONFIG", in: inputs.environment) {
            configPath = (Self.absolute(variable, inputs), "B2KIT_CONFIG")
        } else {
            let implicit = Self.absolute("io_config.yaml", inputs)
            configPath = FileManager.default.fileExists(atPath: implicit) ? (implicit, "the current directory") : nil
        }
        if let configPath {
            try Self.checkFile(configPath.path, origin: configPath.origin, what: "The config file")
            config = .file(
                try IOConfigFile.load(path: configPath.path, origin: configPath.origin), origin: configPath.origin)
        } else {
            config = .none
        }

        if let flag = inputs.credentialsPath {
            credentialsPath = (Self.absolute(flag, inputs), "--credentials")
        } else if let variable = Self.variable("B2KIT_CREDENTIALS", in: inputs.environment) {
            credentialsPath = (Self.absolute(variable, inputs), "B2KIT_CREDENTIALS")
        } else {
            credentialsPath = nil
        }
    }

    // MARK: - The built-in profile

    func resolveLocal() throws -> ResolvedConfiguration {
        if case .file(let file, _) = config, file.profile(named: profileName) != nil {
            throw B2Error(
                .configuration,
                "\(file.path) defines a profile named 'local', but 'local' is b2kit's built-in profile for the "
                    + "embedded emulator: rename that profile"
            )
        }
        let contradicting = [
            ("--key-id", inputs.keyId), ("--key", inputs.applicationKey), ("--endpoint-url", inputs.endpointURL),
            ("--credentials", inputs.credentialsPath),
        ].compactMap { $0.1 == nil ? nil : $0.0 }
        if !contradicting.isEmpty {
            throw B2Error(
                .usage,
                "\(contradicting.joined(separator: " and ")) cannot be combined with profile 'local' "
                    + "(\(profileSource)), which selects the embedded emulator: leave out one or the other"
            )
        }
        return ResolvedConfiguration(
            target: .local,
            profileName: profileName,
            sources: ["profile": profileSource, "target": "built-in profile local (the embedded emulator)"]
        )
    }

    // MARK: - A B2 account

    func resolveRemote() throws -> ResolvedConfiguration {
        var sources = ["profile": profileSource]
        let profile = try selectedProfile()
        if case .file(let file, let origin) = config {
            sources["config"] = "\(file.path) (\(origin))"
        }
        var credentials: CredentialsFile?
        if let (path, origin) = credentialsPath {
            try Self.checkFile(path, origin: origin, what: "The credentials file")
            credentials = try CredentialsFile.load(path: path, origin: origin)
            sources["credentials"] = "\(path) (\(origin))"
        }
        var notes: [String: String] = [:]

        let keyId = try first(
            flag: inputs.keyId, "--key-id", variable: Self.keyIdVariable,
            profile: profile, keys: [Self.keyIdVariable, Self.awsKeyIdVariable], notes: &notes,
            json: credentials.map { ($0.keyId, "\($0.path) (\(CredentialsFile.keyIdField))") }
        )
        let applicationKey = try first(
            flag: inputs.applicationKey, "--key", variable: Self.applicationKeyVariable,
            profile: profile, keys: [Self.applicationKeyVariable, Self.awsSecretVariable], notes: &notes,
            json: credentials.map { ($0.applicationKey, "\($0.path) (\(CredentialsFile.applicationKeyField))") }
        )
        let endpoint = try first(
            flag: inputs.endpointURL, "--endpoint-url", variable: Self.endpointVariable,
            profile: profile, keys: [Self.endpointVariable, Self.awsEndpointVariable], notes: &notes, json: nil
        )

        var resolved = ResolvedConfiguration(target: .local, profileName: profileName)
        if let endpoint {
            resolved.endpointURLOverride = try Self.checkURL(endpoint.value, setting: endpoint.setting)
            resolved.endpointSetting = endpoint.setting
            sources["endpointURL"] = endpoint.source
        }
        if let realm = Self.variable(Self.environmentVariable, in: inputs.environment) {
            resolved.apiBaseURL = try Self.apiBaseURL(realm: realm)
            sources["apiBaseURL"] = "environment \(Self.environmentVariable)"
        } else {
            sources["apiBaseURL"] = "default"
        }

        switch (keyId, applicationKey) {
        case (let keyId?, let applicationKey?):
            resolved.target = .remote(keyId: keyId.value, applicationKey: applicationKey.value)
            sources["keyId"] = keyId.source
            sources["applicationKey"] = applicationKey.source
            resolved.sources = sources
            return resolved
        case (let keyId?, nil):
            throw B2Error(
                .configuration,
                "Found an application key id (\(keyId.source)) but no application key: looked at "
                    + places(
                        flag: "--key", variable: Self.applicationKeyVariable,
                        keys: [Self.applicationKeyVariable, Self.awsSecretVariable], profile: profile, notes: notes)
                    + "; set the key next to the key id"
            )
        case (nil, let applicationKey?):
            throw B2Error(
                .configuration,
                "Found an application key (\(applicationKey.source)) but no application key id: looked at "
                    + places(
                        flag: "--key-id", variable: Self.keyIdVariable,
                        keys: [Self.keyIdVariable, Self.awsKeyIdVariable], profile: profile, notes: notes)
                    + "; set the key id next to the key"
            )
        case (nil, nil):
            throw B2Error(
                .credentialsMissing,
                "No B2 credentials found. Looked at: flags --key-id/--key (not given); environment "
                    + "\(Self.keyIdVariable)/\(Self.applicationKeyVariable) (not set); "
                    + profilePlace(
                        keys: [
                            Self.keyIdVariable, Self.applicationKeyVariable, Self.awsKeyIdVariable,
                            Self.awsSecretVariable,
                        ],
                        profile: profile, notes: notes, endpoint: endpoint
                    )
                    + "; " + credentialsPlace
                    + ". Set one of these, or use --profile local for the embedded emulator"
            )
        }
    }

    /// The selected profile of io_config.yaml, or nil when there is no file.
    private func selectedProfile() throws -> IOConfigFile.Profile? {
        guard case .file(let file, _) = config else {
            if profileSource != "default" {
                throw B2Error(
                    .configuration,
                    "Profile '\(profileName)' (\(profileSource)) needs an io_config.yaml, but there is none in "
                        + "\(inputs.currentDirectory): pass --config PATH or set B2KIT_CONFIG"
                )
            }
            return nil
        }
        guard let profile = file.profile(named: profileName) else {
            let existing =
                file.profileNames.isEmpty
                ? "it has no profiles" : "its profiles: \(file.profileNames.joined(separator: ", "))"
            throw B2Error(
                .configuration,
                "\(file.path) has no profile '\(profileName)' (\(profileSource); \(existing)): choose one of "
                    + "those with --profile, or add '\(profileName):' to the file"
            )
        }
        return profile
    }

    /// The first place, in order, that holds a value for one field.
    private func first(
        flag: String?,
        _ flagName: String,
        variable: String,
        profile: IOConfigFile.Profile?,
        keys: [String],
        notes: inout [String: String],
        json: (value: String, source: String)?
    ) throws -> Found? {
        if let flag {
            return Found(value: flag.trimmingWhitespace, source: "flag \(flagName)", setting: flagName)
        }
        if let value = Self.variable(variable, in: inputs.environment) {
            return Found(value: value, source: "environment \(variable)", setting: variable)
        }
        if let profile, case .file(let file, _) = config {
            let fileName = URL(fileURLWithPath: file.path).lastPathComponent
            for key in keys {
                switch try file.lookup(key, in: profile, environment: inputs.environment) {
                case .value(let value):
                    return Found(
                        value: value, source: "\(fileName) profile \(profile.name) (\(key))",
                        setting: "\(key) in \(fileName) profile \(profile.name)"
                    )
                case .absent(let reason):
                    notes[key] = reason
                case .missing:
                    break
                }
            }
        }
        if let json {
            return Found(value: json.value, source: "credentials JSON \(json.source)", setting: "credentials JSON")
        }
        return nil
    }

    // MARK: - Messages

    private func places(
        flag: String,
        variable: String,
        keys: [String],
        profile: IOConfigFile.Profile?,
        notes: [String: String]
    ) -> String {
        "flag \(flag) (not given), environment \(variable) (not set), "
            + profilePlace(keys: keys, profile: profile, notes: notes, endpoint: nil) + ", " + credentialsPlace
    }

    private func profilePlace(
        keys: [String],
        profile: IOConfigFile.Profile?,
        notes: [String: String],
        endpoint: Found?
    ) -> String {
        guard case .file(let file, _) = config, let profile else {
            return "no io_config.yaml in \(inputs.currentDirectory) (--config or B2KIT_CONFIG name one elsewhere)"
        }
        var details: [String] = []
        if let endpoint, endpoint.setting.contains(" in "), keys.allSatisfy({ notes[$0] == nil }) {
            details.append("it sets only an endpoint")
        }
        let missing = keys.filter { notes[$0] == nil }
        if !missing.isEmpty {
            details.append("no \(missing.joined(separator: ", "))")
        }
        for key in keys {
            if let reason = notes[key] { details.append("\(key): \(reason)") }
        }
        return "io_config.yaml profile \(profile.name) at \(file.path) (\(details.joined(separator: "; ")))"
    }

    private var credentialsPlace: String {
        guard let credentialsPath else {
            return "credentials JSON (none given: --credentials or B2KIT_CREDENTIALS)"
        }
        return "credentials JSON \(credentialsPath.path)"
    }

    // MARK: - Helpers

    /// An environment variable's value, trimmed; nil when unset or blank.
    static func variable(_ name: String, in environment: [String: String]) -> String? {
        guard let value = environment[name]?.trimmingWhitespace, !value.isEmpty else { return nil }
        return value
    }

    /// A path made absolute against the current directory, with a leading `~/` expanded from `HOME`.
    static func absolute(_ path: String, _ inputs: ConfigurationInputs) -> String {
        var path = path.trimmingWhitespace
        if path == "~" || path.hasPrefix("~/"), let home = variable("HOME", in: inputs.environment) {
            path = home + path.dropFirst()
        }
        let base = URL(fileURLWithPath: inputs.currentDirectory, isDirectory: true)
        return URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path
    }

    /// Checks that a file someone named exists and is not a directory.
    static func checkFile(_ path: String, origin: String, what: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw B2Error(.configuration, "\(what) \(path) (from \(origin)) does not exist: check the path")
        }
        if isDirectory.boolValue {
            throw B2Error(.configuration, "\(what) \(path) (from \(origin)) is a directory: name the file itself")
        }
    }

    /// The API base URL for a `B2_ENVIRONMENT` value: a realm name, or a URL.
    static func apiBaseURL(realm: String) throws -> String {
        if let url = realms[realm.lowercased()] { return url }
        guard Self.hasHTTPScheme(realm) else {
            let names = realms.keys.sorted().joined(separator: ", ")
            throw B2Error(
                .configuration,
                "\(environmentVariable) is \(quotedIfHostLike(realm))neither a realm (\(names)) nor a URL: use "
                    + "production, or a URL such as https://api.backblazeb2.com"
            )
        }
        return trimmingTrailingSlashes(realm)
    }

    /// Checks an endpoint is an http(s) URL and drops trailing slashes.
    static func checkURL(_ value: String, setting: String) throws -> String {
        guard hasHTTPScheme(value) else {
            throw B2Error(
                .configuration,
                "\(setting) is \(quotedIfHostLike(value))not a URL: write it with https://, e.g. "
                    + ResolvedConfiguration.defaultS3Endpoint
            )
        }
        return trimmingTrailingSlashes(value)
    }

    /// `'value', which is ` when the value looks like a host name, else nothing: a value that is not a URL may be a
    /// key pasted into the wrong variable, and keys (letters, digits, '/', '+') have no dots.
    private static func quotedIfHostLike(_ value: String) -> String {
        let hostLike =
            value.contains(".") && value.count <= 100 && !value.contains(where: { $0 == "+" || $0.isWhitespace })
        return hostLike ? "'\(value)', which is " : ""
    }

    private static func hasHTTPScheme(_ value: String) -> Bool {
        let lowered = value.lowercased()
        return (lowered.hasPrefix("https://") && lowered.count > 8)
            || (lowered.hasPrefix("http://") && lowered.count > 7)
    }

    private static func trimmingTrailingSlashes(_ value: String) -> String {
        var value = Substring(value)
        while value.hasSuffix("/") { value = value.dropLast() }
        return String(value)
    }
}
