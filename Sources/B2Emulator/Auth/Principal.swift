/// The application key behind an authorized request, with B2's checks of what it may do.
struct Principal: Sendable {
    let key: KeyRecord
    let token: AuthToken
    /// The buckets the key is restricted to (parsed once per request), or nil for all.
    let bucketIds: [String]?

    init(key: KeyRecord, token: AuthToken) {
        self.key = key
        self.token = token
        bucketIds = key.bucketIdList
    }

    private var restrictions: String {
        var parts: [String] = []
        if let buckets = bucketIds { parts.append("buckets \(buckets.joined(separator: ", "))") }
        if let prefix = key.namePrefix { parts.append("name prefix \"\(prefix)\"") }
        return parts.isEmpty ? "" : " (key is restricted to \(parts.joined(separator: " and ")))"
    }

    /// Requires a capability, answering 401 `unauthorized` naming it.
    func require(_ capability: String) throws {
        guard key.capabilityList.contains(capability) else {
            throw B2APIError.unauthorized(
                "The key \(key.applicationKeyId) lacks the \(capability) capability: create a key that has it"
            )
        }
    }

    /// Requires that the key may act on a bucket.
    func requireBucket(_ bucketId: String) throws {
        if let allowed = bucketIds, !allowed.contains(bucketId) {
            throw B2APIError.unauthorized("The key may not access bucket \(bucketId)\(restrictions)")
        }
    }

    /// Requires that the key's name prefix covers `name`.
    func requireName(_ name: String) throws {
        if let prefix = key.namePrefix, !name.hasBytePrefix(prefix) {
            throw B2APIError.unauthorized("The key may not access \"\(name)\"\(restrictions)")
        }
    }

    /// Requires that a listing `prefix` stays inside the key's name prefix, as B2 does.
    func requireListingPrefix(_ prefix: String) throws {
        if let namePrefix = key.namePrefix, !prefix.hasBytePrefix(namePrefix) {
            throw B2APIError.unauthorized(
                "Listing prefix \"\(prefix)\" must start with the key's name prefix \"\(namePrefix)\"\(restrictions)"
            )
        }
    }

    /// True when the key is restricted to a set of buckets.
    var isBucketRestricted: Bool { bucketIds != nil }
}
