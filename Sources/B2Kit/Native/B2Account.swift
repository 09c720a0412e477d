/// What `b2_authorize_account` says about a key: where to call, part sizes, and what the key may do.
public struct B2Account: Sendable, Equatable {
    /// The account id.
    public var accountId: String
    /// The application key id that was authorized.
    public var keyId: String
    /// The token for API calls.
    var authorizationToken: String
    /// Base URL for API calls.
    public var apiURL: String
    /// Base URL for downloads.
    public var downloadURL: String
    /// The S3-compatible endpoint of the account's region.
    public var s3ApiURL: String
    /// The part size B2 recommends for large files.
    public var recommendedPartSize: Int64
    /// The smallest part B2 accepts (but the last).
    public var absoluteMinimumPartSize: Int64
    /// The key's capabilities.
    public var capabilities: [String]
    /// The buckets the key is restricted to (id and name), or nil for all.
    public var allowedBuckets: [(id: String, name: String?)]?
    /// The name prefix the key is restricted to, or nil.
    public var namePrefix: String?

    /// The region parsed from the S3 endpoint, such as `us-west-004`, or nil when the host is not B2's.
    public var region: String? {
        guard let host = s3ApiURL.split(separator: "/").dropFirst().first, host.hasPrefix("s3.") else { return nil }
        let parts = host.split(separator: ".")
        guard parts.count >= 3 else { return nil }
        return String(parts[1])
    }

    /// Two authorizations are equal when they are the same token for the same key.
    public static func == (lhs: B2Account, rhs: B2Account) -> Bool {
        lhs.accountId == rhs.accountId && lhs.keyId == rhs.keyId && lhs.authorizationToken == rhs.authorizationToken
    }

    /// True when the key holds `capability`.
    public func has(_ capability: String) -> Bool { capabilities.contains(capability) }
}
