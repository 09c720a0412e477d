import B2SigV4

extension B2Client {
    /// An S3 client for the same account and key: the endpoint and region come from the authorization's
    /// `s3ApiUrl` (discovered, not configured), and it shares this client's transport and retry policy.
    ///
    /// - Parameter credentials: Another key to sign with (for instance an application key when this client holds
    ///   the master key, which S3 refuses); this client's key when nil.
    /// - Returns: The S3 client.
    /// - Throws: ``B2Error`` when authorization fails or the account has no S3 endpoint.
    public func s3Client(credentials: SigV4Credentials? = nil) async throws -> S3Client {
        let account = try await account()
        guard !account.s3ApiURL.isEmpty else {
            throw B2Error(
                .configuration,
                "The authorization of key \(account.keyId) returned no S3 endpoint: set B2_ENDPOINT_URL to "
                    + "https://s3.REGION.backblazeb2.com")
        }
        return try S3Client(
            endpoint: account.s3ApiURL, region: account.region ?? Region.defaultName,
            credentials: credentials ?? SigV4Credentials(accessKeyId: keyId, secretAccessKey: applicationKey),
            transport: transport,
            retryPolicy: retryPolicy, logger: logger, breaker: breaker)
    }
}
