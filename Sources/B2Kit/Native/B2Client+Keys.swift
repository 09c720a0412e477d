import B2JSON

/// A newly created application key, with its secret (shown by B2 only once).
public struct B2NewApplicationKey: Decodable, Sendable {
    /// The key id.
    public let applicationKeyId: String
    /// The secret; store it now, B2 never returns it again.
    public let applicationKey: String
    /// The key's name.
    public let keyName: String
    /// What the key may do.
    public let capabilities: [String]
}

extension B2Client {
    /// Creates an application key.
    /// - Parameters:
    ///   - name: 1 to 100 letters, digits and '-'.
    ///   - capabilities: what the key may do, e.g. `["listFiles", "readFiles"]`.
    ///   - buckets: bucket ids to restrict it to, or nil for all.
    ///   - namePrefix: a file name prefix to restrict it to (needs `buckets`).
    ///   - validForSeconds: lifetime, or nil for no expiry.
    public func createKey(
        named name: String,
        capabilities: [String],
        buckets: [String]? = nil,
        namePrefix: String? = nil,
        validForSeconds: Int64? = nil
    ) async throws -> B2NewApplicationKey {
        let account = try await account()
        try await require("writeKeys", to: "create key \(name)")
        var parameters: [String: JSONValue] = [
            "accountId": .string(account.accountId), "keyName": .string(name), "capabilities": .strings(capabilities),
        ]
        if let buckets { parameters["bucketIds"] = .strings(buckets) }
        if let namePrefix { parameters["namePrefix"] = .string(namePrefix) }
        if let validForSeconds { parameters["validDurationInSeconds"] = .int(validForSeconds) }
        return try await call("b2_create_key", parameters, operation: "create key \(name)")
    }

    /// All application keys of the account (never their secrets), page by page.
    public func listKeys() async throws -> [B2ApplicationKey] {
        let account = try await account()
        try await require("listKeys", to: "list keys")
        var keys: [B2ApplicationKey] = []
        var start: String?
        repeat {
            var parameters: [String: JSONValue] = ["accountId": .string(account.accountId), "maxKeyCount": 1000]
            if let start { parameters["startApplicationKeyId"] = .string(start) }
            let page: B2Wire.Keys = try await call("b2_list_keys", parameters, operation: "list keys")
            keys += page.keys
            start = page.nextApplicationKeyId
        } while start != nil
        return keys
    }

    /// Deletes an application key; its tokens stop working at once.
    public func deleteKey(id: String) async throws {
        try await require("deleteKeys", to: "delete key \(id)")
        let _: B2ApplicationKey = try await call(
            "b2_delete_key", ["applicationKeyId": .string(id)], operation: "delete key \(id)"
        )
    }

    /// Changes a bucket's type (`allPrivate` or `allPublic`), failing if someone else changed it first when
    /// `ifRevisionIs` is given.
    @discardableResult
    public func updateBucket(named name: String, type: String, ifRevisionIs revision: Int64? = nil) async throws
        -> B2Bucket
    {
        let bucket = try await bucket(named: name)
        let account = try await account()
        try await require("writeBuckets", to: "update bucket \(name)")
        var parameters: [String: JSONValue] = [
            "accountId": .string(account.accountId), "bucketId": .string(bucket.bucketId), "bucketType": .string(type),
        ]
        if let revision { parameters["ifRevisionIs"] = .int(revision) }
        return try await call(
            "b2_update_bucket", parameters, operation: "update bucket \(name)", context: .init(bucket: name))
    }
}
