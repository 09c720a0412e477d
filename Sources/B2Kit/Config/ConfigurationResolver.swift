/// Finds the credentials and endpoints to use, field by field, first hit wins:
///
/// 1. command-line flags (`--key-id`, `--key`, `--endpoint-url`);
/// 2. the environment: `B2_APPLICATION_KEY_ID`, `B2_APPLICATION_KEY`, `B2_ENDPOINT_URL`, `B2_ENVIRONMENT`;
/// 3. the selected profile of a Mage-style io_config.yaml: `B2_APPLICATION_KEY_ID`, `B2_APPLICATION_KEY`,
///    `B2_ENDPOINT_URL`, falling back to `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT`; values may
///    use `{{ env_var('NAME') }}` and `{{ env_var('NAME', 'default') }}`, and one that renders empty or unset
///    counts as absent, so the fallback applies;
/// 4. a credentials JSON file, `{"key_id": "...", "application_key": "..."}`;
/// 5. the built-in profile `local` (the embedded emulator), only when it is selected.
///
/// The profile is `--profile`, else `B2KIT_PROFILE`, else `default`. The io_config.yaml is `--config`, else
/// `B2KIT_CONFIG`, else `io_config.yaml` in the current directory when there is one. The credentials JSON is
/// `--credentials`, else `B2KIT_CREDENTIALS`.
public enum ConfigurationResolver {
    /// The name of the built-in profile that selects the embedded emulator.
    public static let localProfileName = "local"

    /// Resolves credentials and endpoints from flags, environment and files.
    ///
    /// - Parameter inputs: the flags, environment and current directory.
    /// - Returns: the account (or the emulator) to use, the API base URL, any S3 endpoint override, and where
    ///   each setting came from.
    /// - Throws: `B2Error` with code `.usage` for an empty flag or a flag that contradicts `--profile local`;
    ///   `.configuration` for a missing or malformed file, an unknown profile, a key id without a key (or the
    ///   reverse), or a value that is not a URL; `.credentialsMissing` when no place holds credentials, with one
    ///   message listing every place looked at. No message contains an application key.
    public static func resolve(_ inputs: ConfigurationInputs) throws -> ResolvedConfiguration {
        let search = try ConfigurationSearch(inputs)
        if search.profileName == localProfileName {
            return try search.resolveLocal()
        }
        return try search.resolveRemote()
    }
}
