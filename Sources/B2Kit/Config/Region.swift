/// A B2 region, such as `us-west-004`, as it appears in S3 endpoints like `https://s3.us-west-004.backblazeb2.com`.
public struct Region: Sendable, Hashable, CustomStringConvertible {
    /// The region name, e.g. `us-west-004`.
    public let name: String

    /// The region b2kit signs for when nothing names one: `us-west-004`, as in the default S3 endpoint.
    public static let defaultName = "us-west-004"

    /// Creates a region from its name.
    ///
    /// - Parameter name: the region name, e.g. `eu-central-003`.
    public init(_ name: String) {
        self.name = name.lowercased()
    }

    /// Reads the region from a B2 S3 endpoint, with or without `https://`, a port, a path, or a bucket in the host
    /// (`https://bucket.s3.us-west-004.backblazeb2.com`).
    ///
    /// - Parameter s3EndpointURL: the endpoint.
    /// - Returns: the region, or nil when the host is not `s3.REGION.backblazeb2.com`.
    public init?(s3EndpointURL: String) {
        var rest = Substring(s3EndpointURL.trimmingWhitespace)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { "/?#".contains($0) }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        let labels = rest.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        let trimmed = labels.last == "" ? labels.dropLast() : labels[...]
        guard trimmed.count >= 4,
            trimmed.suffix(2).elementsEqual(["backblazeb2", "com"]),
            trimmed[trimmed.endIndex - 4] == "s3"
        else { return nil }
        let region = trimmed[trimmed.endIndex - 3]
        guard !region.isEmpty, region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return nil }
        self.name = String(region)
    }

    /// The region's S3 endpoint, e.g. `https://s3.us-west-004.backblazeb2.com`.
    public var s3EndpointURL: String { "https://s3.\(name).backblazeb2.com" }

    /// The region name.
    public var description: String { name }

    /// Compares an explicit S3 endpoint with the S3 URL authorization returned for the account.
    ///
    /// - Parameters:
    ///   - endpointURL: the configured endpoint override.
    ///   - accountS3ApiURL: the `s3ApiUrl` of the account's authorization.
    ///   - setting: how the override is named in the message, e.g. `B2_ENDPOINT_URL` or `--endpoint-url`.
    /// - Returns: nil when the two agree or either is not a B2 S3 endpoint (an emulator or another service);
    ///   otherwise a `.configuration` error such as "B2_ENDPOINT_URL names region us-west-004 but this account
    ///   lives in eu-central-003: use https://s3.eu-central-003.backblazeb2.com".
    public static func mismatch(
        endpointURL: String,
        accountS3ApiURL: String,
        setting: String = "B2_ENDPOINT_URL"
    ) -> B2Error? {
        guard let configured = Region(s3EndpointURL: endpointURL),
            let account = Region(s3EndpointURL: accountS3ApiURL),
            configured != account
        else { return nil }
        return B2Error(
            .configuration,
            "\(setting) names region \(configured) but this account lives in \(account): use \(account.s3EndpointURL)"
        )
    }
}
