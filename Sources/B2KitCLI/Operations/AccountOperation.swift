import B2Kit

/// `b2kit account`: authorize and report what the key is and may do.
public enum AccountOperation {
    /// Capabilities users commonly need, reported as "cannot" when missing.
    static let everyday = [
        "listBuckets", "listAllBucketNames", "listFiles", "readFiles", "writeFiles", "deleteFiles", "writeBuckets",
        "deleteBuckets", "shareFiles",
    ]

    /// Runs the command.
    public static func run(_ context: CommandContext) async throws {
        try await ClientProvider.withClient(context) { client, resolved in
            let account = try await client.account()
            let missing = everyday.filter { !account.has($0) }
            let mismatch = resolved.regionMismatch(accountS3ApiURL: account.s3ApiURL)
            let buckets = account.allowedBuckets?.map { $0.name ?? "(deleted bucket \($0.id))" }
            if context.json {
                context.printJSON(
                    AccountReport(
                        accountId: account.accountId, keyId: account.keyId, apiUrl: account.apiURL,
                        downloadUrl: account.downloadURL, s3ApiUrl: account.s3ApiURL,
                        capabilities: account.capabilities, cannot: missing, profile: resolved.profileName,
                        credentialSources: resolved.sources, region: account.region, allowedBuckets: buckets,
                        namePrefix: account.namePrefix, endpointWarning: mismatch?.message))
                return
            }
            var lines = [
                "account:      \(account.accountId)",
                "key id:       \(account.keyId)",
                "api url:      \(account.apiURL)",
                "download url: \(account.downloadURL)",
                "s3 url:       \(account.s3ApiURL)",
                "region:       \(account.region ?? "(not a B2 region host)")",
                "buckets:      \(buckets?.joined(separator: ", ") ?? "all")",
                "name prefix:  \(account.namePrefix ?? "(none)")",
                "capabilities: \(account.capabilities.joined(separator: ", "))",
            ]
            if !missing.isEmpty { lines.append("cannot:       \(missing.joined(separator: ", "))") }
            for (field, source) in resolved.sources.sorted(by: { $0.key < $1.key })
            where field != "profile" || resolved.sources["config"] != nil {
                lines.append("\(field) from \(source)")
            }
            if let mismatch { lines.append("warning: \(mismatch.message)") }
            context.say(lines.joined(separator: "\n"))
        }
    }
}
