import Foundation
import Testing

@testable import B2Kit

/// A temporary directory holding io_config.yaml and credentials fixtures, removed when released.
private final class Sandbox {
    let directory: String

    init() throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("b2kit-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes a file into the directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func inputs(
        keyId: String? = nil,
        applicationKey: String? = nil,
        endpointURL: String? = nil,
        profile: String? = nil,
        configPath: String? = nil,
        credentialsPath: String? = nil,
        environment: [String: String] = [:]
    ) -> ConfigurationInputs {
        ConfigurationInputs(
            keyId: keyId, applicationKey: applicationKey, endpointURL: endpointURL, profile: profile,
            configPath: configPath, credentialsPath: credentialsPath, environment: environment,
            currentDirectory: directory
        )
    }
}

/// Resolves and returns the `B2Error` thrown, recording an issue when there is none.
private func resolutionError(
    _ inputs: ConfigurationInputs,
    sourceLocation: SourceLocation = #_sourceLocation
) -> B2Error? {
    do {
        let resolved = try ConfigurationResolver.resolve(inputs)
        Issue.record("resolved \(resolved)", sourceLocation: sourceLocation)
    } catch let error as B2Error {
        return error
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The key id and key of a remote target.
private func credentials(_ resolved: ResolvedConfiguration) -> (keyId: String, applicationKey: String)? {
    guard case .remote(let keyId, let applicationKey) = resolved.target else { return nil }
    return (keyId, applicationKey)
}

/// A Mage-style io_config.yaml with several profiles.
private let mageConfig = """
    version: 0.1.1
    default:
      POSTGRES_HOST: localhost
      POSTGRES_PORT: 5432
      B2_APPLICATION_KEY_ID: "yaml-default-id"
      B2_APPLICATION_KEY: 'yaml-default-key'
      B2_ENDPOINT_URL: https://s3.eu-central-003.backblazeb2.com
    dev:
      B2_APPLICATION_KEY_ID: "{{ env_var('DEV_KEY_ID') }}"
      B2_APPLICATION_KEY: {{ env_var("DEV_KEY", 'dev-default-key') }}
      B2_ENDPOINT_URL: "{{env_var('DEV_ENDPOINT')}}"
      AWS_ACCESS_KEY_ID: aws-dev-id
      AWS_SECRET_ACCESS_KEY: aws-dev-secret
      AWS_ENDPOINT: https://s3.us-east-005.backblazeb2.com
    aws_only:
      AWS_ACCESS_KEY_ID: "{{ env_var('AWS_ACCESS_KEY_ID') }}"
      AWS_SECRET_ACCESS_KEY: "{{ env_var( 'AWS_SECRET_ACCESS_KEY' ) }}"
      AWS_ENDPOINT: https://s3.us-west-002.backblazeb2.com
      AWS_REGION: us-west-002
    endpoint_only:
      B2_ENDPOINT_URL: https://s3.us-west-004.backblazeb2.com
    """

@Suite("Credential and endpoint resolution")
struct ConfigTests {
    // MARK: - Order

    enum Layer: String, CaseIterable, Sendable {
        case flag, environment, yaml, json
    }

    @Test(
        "each field takes the first place that has it: flag, then environment, then io_config.yaml, then JSON",
        arguments: [
            ([Layer.flag, .environment, .yaml, .json], Layer.flag),
            ([.environment, .yaml, .json], .environment),
            ([.flag, .yaml], .flag),
            ([.yaml, .json], .yaml),
            ([.environment, .json], .environment),
            ([.json], .json),
        ]
    )
    func orderOfPlaces(present: [Layer], winner: Layer) throws {
        let sandbox = try Sandbox()
        var environment: [String: String] = [:]
        if present.contains(.environment) {
            environment = [
                "B2_APPLICATION_KEY_ID": "environment-id", "B2_APPLICATION_KEY": "environment-key",
                "B2_ENDPOINT_URL": "https://environment.example",
            ]
        }
        if present.contains(.yaml) {
            try sandbox.write(
                "io_config.yaml",
                """
                default:
                  B2_APPLICATION_KEY_ID: yaml-id
                  B2_APPLICATION_KEY: yaml-key
                  B2_ENDPOINT_URL: https://yaml.example
                """
            )
        }
        var credentialsPath: String?
        if present.contains(.json) {
            credentialsPath = try sandbox.write("creds.json", #"{"key_id": "json-id", "application_key": "json-key"}"#)
        }
        let flag = present.contains(.flag)
        let resolved = try ConfigurationResolver.resolve(
            sandbox.inputs(
                keyId: flag ? "flag-id" : nil, applicationKey: flag ? "flag-key" : nil,
                endpointURL: flag ? "https://flag.example" : nil, credentialsPath: credentialsPath,
                environment: environment
            )
        )
        let found = try #require(credentials(resolved))
        #expect(found.keyId == "\(winner)-id")
        #expect(found.applicationKey == "\(winner)-key")
        #expect(resolved.endpointURLOverride == (winner == .json ? nil : "https://\(winner).example"))
        let expectedSource: String =
            switch winner {
            case .flag: "flag --key-id"
            case .environment: "environment B2_APPLICATION_KEY_ID"
            case .yaml: "io_config.yaml profile default (B2_APPLICATION_KEY_ID)"
            case .json: "credentials JSON \(sandbox.directory)/creds.json (key_id)"
            }
        #expect(resolved.sources["keyId"] == expectedSource)
    }

    @Test("fields resolve separately: key id from a flag, key from the environment, endpoint from the profile")
    func fieldsResolveSeparately() throws {
        let sandbox = try Sandbox()
        try sandbox.write("io_config.yaml", mageConfig)
        let resolved = try ConfigurationResolver.resolve(
            sandbox.inputs(keyId: "flag-id", environment: ["B2_APPLICATION_KEY": "environment-key"])
        )
        let found = try #require(credentials(resolved))
        #expect(found.keyId == "flag-id")
        #expect(found.applicationKey == "environment-key")
        #expect(resolved.endpointURLOverride == "https://s3.eu-central-003.backblazeb2.com")
        #expect(resolved.sources["keyId"] == "flag --key-id")
        #expect(resolved.sources["applicationKey"] == "environment B2_APPLICATION_KEY")
        #expect(resolved.sources["endpointURL"] == "io_config.yaml profile default (B2_ENDPOINT_URL)")
        #expect(resolved.sources["profile"] == "default")
        #expect(resolved.profileName == "default")
        #expect(resolved.apiBaseURL == "https://api.backblazeb2.com")
        #expect(resolved.s3DefaultEndpoint == "https://s3.us-west-004.backblazeb2.com")
    }

    // MARK: - io_config.yaml

    @Test("the default profile of ./io_config.yaml is read when nothing else is given")
    func defaultProfileFromCurrentDirectory() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.write("io_config.yaml", mageConfig)
        let resolved = try ConfigurationResolver.resolve(sandbox.inputs())
        let found = try #require(credentials(resolved))
        #expect(found.keyId == "yaml-default-id")
        #expect(found.applicationKey == "yaml-default-key")
        #expect(resolved.sources["applicationKey"] == "io_config.yaml profile default (B2_APPLICATION_KEY)")
        #expect(resolved.sources["config"] == "\(path) (the current directory)")
    }

    struct DevCase: Sendable, CustomTestStringConvertible {
        let environment: [String: String]
        let keyId: String
        let applicationKey: String
        let endpoint: String
        let keyIdSource: String
        let testDescription: String
    }

    static let devCases: [DevCase] = [
        DevCase(
            environment: ["DEV_KEY_ID": "dev-id", "DEV_KEY": "dev-key", "DEV_ENDPOINT": "https://dev.example"],
            keyId: "dev-id", applicationKey: "dev-key", endpoint: "https://dev.example",
            keyIdSource: "io_config.yaml profile dev (B2_APPLICATION_KEY_ID)", testDescription: "all variables set"
        ),
        DevCase(
            environment: ["DEV_KEY_ID": "dev-id"],
            keyId: "dev-id", applicationKey: "dev-default-key", endpoint: "https://s3.us-east-005.backblazeb2.com",
            keyIdSource: "io_config.yaml profile dev (B2_APPLICATION_KEY_ID)",
            testDescription:
                "unset variable with a default takes the default; unset endpoint falls back to AWS_ENDPOINT"
        ),
        DevCase(
            environment: [:],
            keyId: "aws-dev-id", applicationKey: "dev-default-key", endpoint: "https://s3.us-east-005.backblazeb2.com",
            keyIdSource: "io_config.yaml profile dev (AWS_ACCESS_KEY_ID)",
            testDescription: "unset interpolation falls back to AWS_ACCESS_KEY_ID"
        ),
        DevCase(
            environment: ["DEV_KEY_ID": "", "DEV_KEY": "  ", "DEV_ENDPOINT": ""],
            keyId: "aws-dev-id", applicationKey: "aws-dev-secret", endpoint: "https://s3.us-east-005.backblazeb2.com",
            keyIdSource: "io_config.yaml profile dev (AWS_ACCESS_KEY_ID)",
            testDescription: "empty interpolation (even with a default) falls back to the AWS_* keys"
        ),
    ]

    @Test("env_var interpolation, with and without defaults, and the AWS_* fallback", arguments: devCases)
    func devProfile(_ example: DevCase) throws {
        let sandbox = try Sandbox()
        try sandbox.write("io_config.yaml", mageConfig)
        let resolved = try ConfigurationResolver.resolve(
            sandbox.inputs(profile: "dev", environment: example.environment))
        let found = try #require(credentials(resolved))
        #expect(found.keyId == example.keyId)
        #expect(found.applicationKey == example.applicationKey)
        #expect(resolved.endpointURLOverride == example.endpoint)
        #expect(resolved.sources["keyId"] == example.keyIdSource)
        #expect(resolved.sources["profile"] == "flag --profile")
        #expect(resolved.profileName == "dev")
    }

    @Test("a profile with only AWS_* keys, selected by B2KIT_PROFILE")
    func awsOnlyProfile() throws {
        let sandbox = try Sandbox()
        try sandbox.write("io_config.yaml", mageConfig)
        let environment = [
            "B2KIT_PROFILE": "aws_only", "AWS_ACCESS_KEY_ID": "aws-id", "AWS_SECRET_ACCESS_KEY": "aws-secret",
        ]
        let resolved = try ConfigurationResolver.resolve(sandbox.inputs(environment: environment))
        let found = try #require(credentials(resolved))
        #expect(found.keyId == "aws-id")
        #expect(found.applicationKey == "aws-secret")
        #expect(resolved.endpointURLOverride == "https://s3.us-west-002.backblazeb2.com")
        #expect(resolved.sources["applicationKey"] == "io_config.yaml profile aws_only (AWS_SECRET_ACCESS_KEY)")
        #expect(resolved.sources["profile"] == "environment B2KIT_PROFILE")
    }

    @Test("a profile with only an endpoint: the error names the four places and what the profile lacks")
    func endpointOnlyProfile() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.write("io_config.yaml", mageConfig)
        let error = try #require(resolutionError(sandbox.inputs(profile: "endpoint_only")))
        #expect(error.code == .credentialsMissing)
        #expect(error.message.contains("flags --key-id/--key"))
        #expect(error.message.contains("environment B2_APPLICATION_KEY_ID/B2_APPLICATION_KEY"))
        #expect(error.message.contains("io_config.yaml profile endpoint_only at \(path) (it sets only an endpoint"))
        #expect(error.message.contains("AWS_ACCESS_KEY_ID"))
        #expect(error.message.contains("credentials JSON (none given"))
        #expect(error.message.contains("--profile local"))
        #expect(!error.message.contains("\n"))
    }

    @Test("--config and B2KIT_CONFIG name the file, relative to the current directory")
    func configPathFromFlagAndEnvironment() throws {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(atPath: sandbox.directory + "/conf", withIntermediateDirectories: true)
        try sandbox.write("conf/mage.yaml", mageConfig)
        for inputs in [
            sandbox.inputs(configPath: "conf/mage.yaml"),
            sandbox.inputs(environment: ["B2KIT_CONFIG": "conf/mage.yaml"]),
            sandbox.inputs(configPath: sandbox.directory + "/conf/../conf/mage.yaml"),
        ] {
            let resolved = try ConfigurationResolver.resolve(inputs)
            #expect(credentials(resolved)?.keyId == "yaml-default-id")
            #expect(resolved.sources["keyId"] == "mage.yaml profile default (B2_APPLICATION_KEY_ID)")
        }
    }

    @Test("YAML merge keys bring another profile's settings in")
    func mergeKeys() throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "io_config.yaml",
            """
            default: &base
              B2_APPLICATION_KEY_ID: base-id
              B2_APPLICATION_KEY: base-key
            staging:
              <<: *base
              B2_APPLICATION_KEY_ID: staging-id
            """
        )
        let resolved = try ConfigurationResolver.resolve(sandbox.inputs(profile: "staging"))
        #expect(credentials(resolved)?.keyId == "staging-id")
        #expect(credentials(resolved)?.applicationKey == "base-key")
    }

    @Test("an unknown profile lists the profiles that exist, without 'version'")
    func unknownProfile() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.write("io_config.yaml", mageConfig)
        let error = try #require(resolutionError(sandbox.inputs(profile: "prod")))
        #expect(error.code == .configuration)
        #expect(
            error.message
                == "\(path) has no profile 'prod' (flag --profile; its profiles: default, dev, aws_only, "
                + "endpoint_only): choose one of those with --profile, or add 'prod:' to the file"
        )
    }

    @Test("a named profile without any io_config.yaml says how to point at one")
    func profileWithoutFile() throws {
        let sandbox = try Sandbox()
        let error = try #require(resolutionError(sandbox.inputs(environment: ["B2KIT_PROFILE": "dev"])))
        #expect(error.code == .configuration)
        #expect(error.message.contains("pass --config PATH or set B2KIT_CONFIG"))
    }

    @Test(
        "malformed YAML names the file and the line",
        arguments: [
            ("default:\n  B2_APPLICATION_KEY_ID: a\n   B2_APPLICATION_KEY: : b\n", "line 3"),
            ("default:\n  B2_APPLICATION_KEY_ID: \"unterminated\n", "line 3"),
            ("default:\n  A: 1\n  A: 2\n", "duplicate key 'A'"),
            ("- just\n- a list\n", "should be a mapping of profiles"),
        ]
    )
    func malformedYAML(text: String, expected: String) throws {
        let sandbox = try Sandbox()
        let path = try sandbox.write("io_config.yaml", text)
        let error = try #require(resolutionError(sandbox.inputs()))
        #expect(error.code == .configuration)
        #expect(error.message.hasPrefix(path))
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(!error.message.contains("\n"))
    }

    @Test("a value that is not text, or a template b2kit cannot evaluate, is a configuration error")
    func unusableValues() throws {
        let sandbox = try Sandbox()
        try sandbox.write(
            "io_config.yaml",
            """
            nested:
              B2_APPLICATION_KEY_ID:
                value: x
            secret:
              B2_APPLICATION_KEY_ID: "{{ mage_secret_var('b2_key_id') }}"
            filtered:
              B2_APPLICATION_KEY_ID: "{{ env_var('A') | upper }}"
            """
        )
        let nested = try #require(resolutionError(sandbox.inputs(profile: "nested")))
        #expect(nested.code == .configuration)
        #expect(nested.message.contains("B2_APPLICATION_KEY_ID in profile nested"))
        #expect(nested.message.contains("(line 3) is a mapping, not text"))
        let secret = try #require(resolutionError(sandbox.inputs(profile: "secret")))
        #expect(secret.message.contains("uses {{ mage_secret_var(...) }}, which b2kit cannot evaluate"))
        #expect(!secret.message.contains("b2_key_id"))
        let filtered = try #require(resolutionError(sandbox.inputs(profile: "filtered")))
        #expect(filtered.message.contains("uses {{ env_var(...) }}, which b2kit cannot evaluate"))
    }

    @Test("a config file that does not exist, or is a directory, is an error naming where the path came from")
    func missingConfigFile() throws {
        let sandbox = try Sandbox()
        let byFlag = try #require(resolutionError(sandbox.inputs(configPath: "nope.yaml")))
        #expect(byFlag.code == .configuration)
        #expect(
            byFlag.message
                == "The config file \(sandbox.directory)/nope.yaml (from --config) does not exist: check the path")
        let byEnvironment = try #require(
            resolutionError(sandbox.inputs(environment: ["B2KIT_CONFIG": "/nonexistent/io.yaml"])))
        #expect(byEnvironment.message.contains("/nonexistent/io.yaml (from B2KIT_CONFIG) does not exist"))
        let directory = try #require(resolutionError(sandbox.inputs(configPath: ".")))
        #expect(directory.message.contains("is a directory"))
    }

    // MARK: - Credentials JSON

    @Test("a credentials JSON file by --credentials or B2KIT_CREDENTIALS")
    func goodCredentialsFile() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.write("creds.json", #"{"key_id": " json-id ", "application_key": "json-key", "x": 1}"#)
        for inputs in [
            sandbox.inputs(credentialsPath: "creds.json"),
            sandbox.inputs(environment: ["B2KIT_CREDENTIALS": path]),
        ] {
            let resolved = try ConfigurationResolver.resolve(inputs)
            #expect(credentials(resolved)?.keyId == "json-id")
            #expect(credentials(resolved)?.applicationKey == "json-key")
            #expect(resolved.sources["applicationKey"] == "credentials JSON \(path) (application_key)")
        }
    }

    @Test("a credentials JSON file saved with a UTF-8 byte-order mark reads as without one")
    func credentialsFileWithByteOrderMark() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.write("creds.json", "\u{FEFF}" + #"{"key_id": "bom-id", "application_key": "bom-key"}"#)
        let resolved = try ConfigurationResolver.resolve(sandbox.inputs(credentialsPath: path))
        #expect(credentials(resolved)?.keyId == "bom-id")
        #expect(credentials(resolved)?.applicationKey == "bom-key")
    }

    @Test(
        "a bad credentials JSON file is an error naming the file and the field",
        arguments: [
            (#"{"key_id": "id"}"#, "has no application_key: it should read {\"key_id\""),
            (#"{"application_key": "k"}"#, "has no key_id"),
            (#"{"key_id": "", "application_key": "k"}"#, "key_id in the credentials file PATH is empty"),
            (#"{"key_id": "id", "application_key": "  "}"#, "application_key in the credentials file PATH is empty"),
            (#"{"key_id": 5, "application_key": "k"}"#, "key_id in the credentials file PATH is not a string"),
            (
                #"{"keyId": "id", "applicationKey": "k"}"#,
                "has neither key_id nor application_key (it has applicationKey, keyId): it should read "
                    + #"{"key_id": "...", "application_key": "..."}"#
            ),
            ("key_id=id\napplication_key=k\n", "PATH is not a JSON object"),
            (#"["id", "k"]"#, "PATH is not a JSON object"),
            ("", "PATH is not a JSON object"),
        ]
    )
    func badCredentialsFile(text: String, expected: String) throws {
        let sandbox = try Sandbox()
        let path = try sandbox.write("creds.json", text)
        let error = try #require(resolutionError(sandbox.inputs(credentialsPath: path)))
        #expect(error.code == .configuration)
        #expect(error.message.contains(path))
        #expect(error.message.contains(expected.replacingOccurrences(of: "PATH", with: path)), "\(error.message)")
    }

    @Test("a credentials file that does not exist is an error")
    func missingCredentialsFile() throws {
        let sandbox = try Sandbox()
        let error = try #require(resolutionError(sandbox.inputs(environment: ["B2KIT_CREDENTIALS": "gone.json"])))
        #expect(error.code == .configuration)
        #expect(error.message.contains("\(sandbox.directory)/gone.json"))
        #expect(error.message.contains("B2KIT_CREDENTIALS"))
    }

    // MARK: - Missing and half credentials

    @Test("no credentials anywhere: one message listing every place looked at")
    func noCredentialsAnywhere() throws {
        let sandbox = try Sandbox()
        let error = try #require(resolutionError(sandbox.inputs()))
        #expect(error.code == .credentialsMissing)
        #expect(error.isUsageError)
        #expect(
            error.message
                == "No B2 credentials found. Looked at: flags --key-id/--key (not given); environment "
                + "B2_APPLICATION_KEY_ID/B2_APPLICATION_KEY (not set); no io_config.yaml in \(sandbox.directory) "
                + "(--config or B2KIT_CONFIG name one elsewhere); credentials JSON (none given: --credentials or "
                + "B2KIT_CREDENTIALS). Set one of these, or use --profile local for the embedded emulator"
        )
    }

    @Test("no credentials with a profile: the message names the profile, the file and the unset variables")
    func noCredentialsWithProfile() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.write("io_config.yaml", mageConfig)
        let error = try #require(resolutionError(sandbox.inputs(profile: "aws_only")))
        #expect(error.code == .credentialsMissing)
        #expect(error.message.contains("io_config.yaml profile aws_only at \(path)"))
        #expect(error.message.contains("AWS_ACCESS_KEY_ID: env_var('AWS_ACCESS_KEY_ID') is unset"))
        #expect(error.message.contains("no B2_APPLICATION_KEY_ID, B2_APPLICATION_KEY"))
    }

    @Test("a key id without a key, or a key without a key id, names where each half came from")
    func halfCredentials() throws {
        let sandbox = try Sandbox()
        let keyIdOnly = try #require(
            resolutionError(sandbox.inputs(environment: ["B2_APPLICATION_KEY_ID": "lonely-id"]))
        )
        #expect(keyIdOnly.code == .configuration)
        #expect(
            keyIdOnly.message.hasPrefix(
                "Found an application key id (environment B2_APPLICATION_KEY_ID) but no application key: looked at "
                    + "flag --key (not given), environment B2_APPLICATION_KEY (not set)"
            )
        )
        #expect(keyIdOnly.message.contains("credentials JSON (none given"))

        try sandbox.write("io_config.yaml", mageConfig)
        let keyOnly = try #require(resolutionError(sandbox.inputs(applicationKey: "k", profile: "endpoint_only")))
        #expect(keyOnly.message.hasPrefix("Found an application key (flag --key) but no application key id"))
        #expect(keyOnly.message.contains("io_config.yaml profile endpoint_only"))
        #expect(keyOnly.message.contains("no B2_APPLICATION_KEY_ID, AWS_ACCESS_KEY_ID"))
    }

    @Test("an empty flag is a usage error; blank environment variables count as unset")
    func emptyValues() throws {
        let sandbox = try Sandbox()
        let error = try #require(resolutionError(sandbox.inputs(keyId: " ", applicationKey: "k")))
        #expect(error.code == .usage)
        #expect(error.message == "--key-id is empty: give it a value, or leave it out")
        let blank = try #require(
            resolutionError(sandbox.inputs(environment: ["B2_APPLICATION_KEY_ID": "", "B2_APPLICATION_KEY": "\n"]))
        )
        #expect(blank.code == .credentialsMissing)
    }

    // MARK: - Endpoints

    @Test(
        "B2_ENVIRONMENT takes a realm name or an API base URL",
        arguments: [
            ("production", "https://api.backblazeb2.com"),
            ("PRODUCTION", "https://api.backblazeb2.com"),
            ("http://127.0.0.1:8180/", "http://127.0.0.1:8180"),
            ("https://api.example.com", "https://api.example.com"),
        ]
    )
    func apiBaseURL(value: String, expected: String) throws {
        let sandbox = try Sandbox()
        let resolved = try ConfigurationResolver.resolve(
            sandbox.inputs(keyId: "id", applicationKey: "k", environment: ["B2_ENVIRONMENT": value])
        )
        #expect(resolved.apiBaseURL == expected)
        #expect(resolved.sources["apiBaseURL"] == "environment B2_ENVIRONMENT")
    }

    @Test("a B2_ENVIRONMENT or endpoint that is not a URL is a configuration error that says how to write one")
    func badURLs() throws {
        let sandbox = try Sandbox()
        let realm = try #require(
            resolutionError(sandbox.inputs(keyId: "id", applicationKey: "k", environment: ["B2_ENVIRONMENT": "prod"]))
        )
        #expect(realm.code == .configuration)
        #expect(realm.message.contains("B2_ENVIRONMENT is neither a realm (dev, production, staging) nor a URL"))
        let endpoint = try #require(
            resolutionError(
                sandbox.inputs(
                    keyId: "id", applicationKey: "k", environment: ["B2_ENDPOINT_URL": "s3.us-west-004.backblazeb2.com"]
                )
            )
        )
        #expect(
            endpoint.message
                == "B2_ENDPOINT_URL is 's3.us-west-004.backblazeb2.com', which is not a URL: write it with https://, "
                + "e.g. https://s3.us-west-004.backblazeb2.com"
        )
    }

    @Test(
        "the region of an S3 endpoint",
        arguments: [
            ("https://s3.us-west-004.backblazeb2.com", "us-west-004"),
            ("https://s3.eu-central-003.backblazeb2.com/", "eu-central-003"),
            ("s3.us-east-005.backblazeb2.com", "us-east-005"),
            ("HTTPS://S3.US-WEST-002.BACKBLAZEB2.COM:443/bucket/key", "us-west-002"),
            ("https://my-bucket.s3.ca-east-006.backblazeb2.com", "ca-east-006"),
            ("https://s3.us-west-004.backblazeb2.com.", "us-west-004"),
        ]
    )
    func regionOfEndpoint(url: String, expected: String) {
        #expect(Region(s3EndpointURL: url) == Region(expected))
        #expect(Region(expected).s3EndpointURL == "https://s3.\(expected).backblazeb2.com")
    }

    @Test(
        "hosts that are not B2 S3 endpoints have no region",
        arguments: [
            "http://127.0.0.1:9000", "https://s3.amazonaws.com", "https://api.backblazeb2.com",
            "https://s3.us-west-004.backblazeb2.com.evil.example", "https://backblazeb2.com", "",
            "https://f004.backblazeb2.com",
        ]
    )
    func noRegion(url: String) {
        #expect(Region(s3EndpointURL: url) == nil)
    }

    @Test("an endpoint in another region than the account's says which URL to use")
    func regionMismatch() throws {
        let error = try #require(
            Region.mismatch(
                endpointURL: "https://s3.us-west-004.backblazeb2.com",
                accountS3ApiURL: "https://s3.eu-central-003.backblazeb2.com"
            )
        )
        #expect(error.code == .configuration)
        #expect(
            error.message
                == "B2_ENDPOINT_URL names region us-west-004 but this account lives in eu-central-003: use "
                + "https://s3.eu-central-003.backblazeb2.com"
        )
        #expect(
            Region.mismatch(
                endpointURL: "https://s3.us-west-004.backblazeb2.com/",
                accountS3ApiURL: "https://s3.us-west-004.backblazeb2.com"
            ) == nil
        )
        #expect(
            Region.mismatch(
                endpointURL: "http://127.0.0.1:9000", accountS3ApiURL: "https://s3.us-west-004.backblazeb2.com")
                == nil
        )
    }

    @Test("a resolved configuration names the setting that holds the wrong endpoint")
    func resolvedRegionMismatch() throws {
        let sandbox = try Sandbox()
        try sandbox.write("io_config.yaml", mageConfig)
        let fromProfile = try ConfigurationResolver.resolve(sandbox.inputs(profile: "dev"))
        let error = try #require(fromProfile.regionMismatch(accountS3ApiURL: "https://s3.us-west-004.backblazeb2.com"))
        #expect(
            error.message
                == "AWS_ENDPOINT in io_config.yaml profile dev names region us-east-005 but this account lives in "
                + "us-west-004: use https://s3.us-west-004.backblazeb2.com"
        )
        let fromEnvironment = try ConfigurationResolver.resolve(
            sandbox.inputs(environment: ["B2_ENDPOINT_URL": "https://s3.us-west-004.backblazeb2.com"])
        )
        #expect(fromEnvironment.regionMismatch(accountS3ApiURL: "https://s3.us-west-004.backblazeb2.com") == nil)
        let mismatch = try #require(
            fromEnvironment.regionMismatch(accountS3ApiURL: "https://s3.us-east-005.backblazeb2.com")
        )
        #expect(mismatch.message.hasPrefix("B2_ENDPOINT_URL names region us-west-004"))
    }

    // MARK: - The built-in local profile

    @Test("profile local selects the embedded emulator, by flag or B2KIT_PROFILE, whatever the environment holds")
    func localProfile() throws {
        let sandbox = try Sandbox()
        let environment = ["B2_APPLICATION_KEY_ID": "id", "B2_APPLICATION_KEY": "k"]
        for inputs in [
            sandbox.inputs(profile: "local", environment: environment),
            sandbox.inputs(environment: environment.merging(["B2KIT_PROFILE": "local"]) { $1 }),
        ] {
            let resolved = try ConfigurationResolver.resolve(inputs)
            #expect(resolved.target == .local)
            #expect(resolved.profileName == "local")
            #expect(resolved.sources["target"] == "built-in profile local (the embedded emulator)")
        }
    }

    @Test("profile local is never chosen by itself")
    func localOnlyWhenAsked() throws {
        let sandbox = try Sandbox()
        let error = try #require(resolutionError(sandbox.inputs()))
        #expect(error.code == .credentialsMissing)
    }

    @Test("profile local refuses credential flags and an io_config.yaml profile of the same name")
    func localConflicts() throws {
        let sandbox = try Sandbox()
        let flags = try #require(resolutionError(sandbox.inputs(keyId: "id", applicationKey: "k", profile: "local")))
        #expect(flags.code == .usage)
        #expect(
            flags.message
                == "--key-id and --key cannot be combined with profile 'local' (flag --profile), which selects the "
                + "embedded emulator: leave out one or the other"
        )
        try sandbox.write("io_config.yaml", "local:\n  B2_APPLICATION_KEY_ID: x\n")
        let shadowed = try #require(resolutionError(sandbox.inputs(profile: "local")))
        #expect(shadowed.code == .configuration)
        #expect(shadowed.message.contains("rename that profile"))
    }

    // MARK: - Templates

    @Test(
        "env_var templates in their spellings",
        arguments: [
            ("env_var('A')", ["A": "a"], EnvVarTemplate.Rendered.value("a")),
            (" env_var( \"A\" ) ", ["A": " a "], .value("a")),
            ("env_var('A','d')", [:], .value("d")),
            ("env_var(\"A\", \"d\")", ["A": "a"], .value("a")),
            ("  env_var ( 'A' ,  'd' )  ", [:], .value("d")),
            ("env_var('A')", [:], .absent(reason: "env_var('A') is unset")),
            ("env_var('A')", ["A": ""], .absent(reason: "A is empty")),
            ("env_var('A', '')", [:], .absent(reason: "the default of env_var('A') is empty")),
        ]
    )
    func templates(source: String, environment: [String: String], expected: EnvVarTemplate.Rendered) throws {
        #expect(try EnvVarTemplate(source: source).evaluate(environment: environment) == expected)
    }

    @Test("templates are lifted before YAML parsing and rendered inside longer values")
    func templatesInValues() throws {
        let (text, templates) = EnvVarTemplate.liftTemplates(from: "a: x-{{ env_var('A') }}-{{env_var('B')}}\n")
        #expect(text == "a: x-__B2KIT_TEMPLATE_0__-__B2KIT_TEMPLATE_1__\n")
        let both = try EnvVarTemplate.render(
            "x-__B2KIT_TEMPLATE_0__-__B2KIT_TEMPLATE_1__", templates: templates, environment: ["A": "1", "B": "2"]
        )
        #expect(both == .value("x-1-2"))
        let partial = try EnvVarTemplate.render(
            "x-__B2KIT_TEMPLATE_0__-__B2KIT_TEMPLATE_1__", templates: templates, environment: ["A": "1"]
        )
        #expect(partial == .absent(reason: "env_var('B') is unset"))
    }

    // MARK: - Secrets

    @Test("an application key never appears in errors, descriptions, sources or dumps, whatever path it takes")
    func secretsNeverPrinted() throws {
        let secret = "K005SecretXyzzy/Plugh+42"
        let sandbox = try Sandbox()
        let yamlLiteral = try sandbox.write(
            "literal.yaml", "default:\n  B2_APPLICATION_KEY_ID: id\n  B2_APPLICATION_KEY: \(secret)\n"
        )
        let yamlTemplate = try sandbox.write(
            "template.yaml",
            "default:\n  AWS_ACCESS_KEY_ID: id\n  AWS_SECRET_ACCESS_KEY: \"{{ env_var('SECRET', '\(secret)') }}\"\n"
        )
        let json = try sandbox.write("creds.json", #"{"key_id": "id", "application_key": "\#(secret)"}"#)
        let successes = [
            sandbox.inputs(keyId: "id", applicationKey: secret),
            sandbox.inputs(environment: ["B2_APPLICATION_KEY_ID": "id", "B2_APPLICATION_KEY": secret]),
            sandbox.inputs(configPath: yamlLiteral),
            sandbox.inputs(configPath: yamlTemplate),
            sandbox.inputs(configPath: yamlTemplate, environment: ["SECRET": secret]),
            sandbox.inputs(credentialsPath: json),
        ]
        for inputs in successes {
            let resolved = try ConfigurationResolver.resolve(inputs)
            #expect(credentials(resolved)?.applicationKey == secret)
            var dumped = ""
            dump(resolved, to: &dumped)
            var dumpedInputs = ""
            dump(inputs, to: &dumpedInputs)
            let printed = [
                String(describing: resolved), String(reflecting: resolved), "\(resolved.target)", dumped,
                resolved.sources.description, String(describing: inputs), dumpedInputs,
            ]
            for text in printed {
                #expect(!text.contains(secret), "\(text)")
            }
            #expect(String(describing: resolved).contains("<redacted>"))
        }

        let failures = [
            sandbox.inputs(applicationKey: secret),
            sandbox.inputs(environment: ["B2_APPLICATION_KEY": secret]),
            sandbox.inputs(applicationKey: secret, profile: "local"),
            sandbox.inputs(applicationKey: secret, endpointURL: secret),
            sandbox.inputs(applicationKey: secret, environment: ["B2_ENVIRONMENT": secret]),
            sandbox.inputs(
                configPath: try sandbox.write("key-only.yaml", "default:\n  B2_APPLICATION_KEY: \(secret)\n")
            ),
            sandbox.inputs(
                configPath: try sandbox.write(
                    "broken.yaml", "default:\n  B2_APPLICATION_KEY: \(secret)\n   bad: \(secret): : x\n"
                )
            ),
            sandbox.inputs(
                configPath: try sandbox.write(
                    "broken-template.yaml",
                    "default:\n  B2_APPLICATION_KEY: \"{{ env_var('X') }}\n  B2_APPLICATION_KEY_ID: \"x\n",
                ),
                environment: ["X": secret]
            ),
            sandbox.inputs(
                configPath: try sandbox.write(
                    "unsupported.yaml",
                    "default:\n  B2_APPLICATION_KEY_ID: id\n  B2_APPLICATION_KEY: \"{{ \(secret) }}\"\n"
                )
            ),
            sandbox.inputs(
                configPath: try sandbox.write(
                    "unsupported-argument.yaml",
                    "default:\n  B2_APPLICATION_KEY_ID: id\n"
                        + "  B2_APPLICATION_KEY: \"{{ mage_secret_var('\(secret)') }}\"\n"
                )
            ),
            sandbox.inputs(credentialsPath: try sandbox.write("no-id.json", #"{"application_key": "\#(secret)"}"#)),
            sandbox.inputs(
                credentialsPath: try sandbox.write("wrong.json", #"{"keyId": "id", "applicationKey": "\#(secret)"}"#)
            ),
            sandbox.inputs(
                credentialsPath: try sandbox.write("broken.json", #"{"key_id": "id", "application_key": "\#(secret)""#)
            ),
            sandbox.inputs(
                credentialsPath: try sandbox.write("number.json", #"{"key_id": 12, "application_key": "\#(secret)"}"#)
            ),
        ]
        for inputs in failures {
            let error = try #require(resolutionError(inputs))
            #expect(!String(describing: error).contains(secret), "\(error)")
            #expect(!String(describing: error.cause as Any).contains(secret))
            var dumped = ""
            dump(error, to: &dumped)
            #expect(!dumped.contains(secret), "\(dumped)")
        }
    }
}
