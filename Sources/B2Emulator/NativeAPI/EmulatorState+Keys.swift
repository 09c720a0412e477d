import B2JSON
import GRDB

extension EmulatorState {
    /// `b2_create_key`: `bucketIds` in v4, a single `bucketId` before.
    func createKey(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("writeKeys")
        let capabilities = try call.parameters.optionalStringArray("capabilities") ?? []
        guard !capabilities.isEmpty else {
            throw B2APIError.badRequest("capabilities is required: list what the key may do, such as listFiles")
        }
        if let unknown = capabilities.first(where: { !Capability.known.contains($0) }) {
            throw B2APIError.badRequest("Unknown capability \"\(unknown)\": see B2's list of capabilities")
        }
        let keyName = try call.parameters.string("keyName")
        let nameAllowed = keyName.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45
        }
        guard (1...100).contains(keyName.utf8.count), nameAllowed else {
            throw B2APIError.badRequest("Invalid keyName \"\(keyName)\": use 1 to 100 letters, digits and '-'")
        }
        var bucketIds = try call.parameters.optionalStringArray("bucketIds")
        if let single = try call.parameters.optionalString("bucketId") { bucketIds = [single] }
        if let ids = bucketIds, ids.isEmpty { bucketIds = nil }
        let namePrefix = try call.parameters.optionalString("namePrefix")
        if namePrefix != nil, bucketIds == nil {
            throw B2APIError.badRequest("namePrefix needs a bucket: restrict the key to a bucket as well")
        }
        var expiration: Int64?
        if let seconds = try call.parameters.optionalInt("validDurationInSeconds") {
            guard (1...86_400_000).contains(seconds) else {
                throw B2APIError.badRequest("validDurationInSeconds must be between 1 and 86400000, not \(seconds)")
            }
            expiration = clock.nowMillis() + seconds * 1000
        }
        let key = KeyRecord(
            applicationKeyId: Identifiers.keyId(accountId: accountId),
            applicationKey: "K000" + Identifiers.base62(count: 27),
            keyName: keyName,
            capabilities: capabilities.joined(separator: ","),
            bucketIds: bucketIds.map { JSONValue.array($0.map { .string($0) }).serialized() },
            namePrefix: namePrefix,
            expirationTimestamp: expiration,
            isMaster: false,
            createdAt: clock.nowMillis()
        )
        try await database.write { [bucketIds] db in
            for id in bucketIds ?? [] where try BucketRecord.fetchOne(db, key: id) == nil {
                throw B2APIError.badBucketID(id)
            }
            try key.insert(db)
        }
        keys.store(key)
        guard case .object(var members) = Rendering.key(key, accountId: accountId, version: call.version) else {
            throw B2APIError.internalError("key rendering")
        }
        members.append(("applicationKey", .string(key.applicationKey)))
        return .object(members)
    }

    /// `b2_list_keys`, in key id order with `startApplicationKeyId` paging.
    func listKeys(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("listKeys")
        let maxCount = try call.parameters.optionalInt("maxKeyCount") ?? 100
        guard (1...10_000).contains(maxCount) else {
            throw B2APIError.outOfRange("maxKeyCount must be between 1 and 10000, not \(maxCount)")
        }
        let start = try call.parameters.optionalString("startApplicationKeyId") ?? ""
        let rows = try await database.writer.read { db in
            try KeyRecord.filter(KeyRecord.Columns.isMaster == false && KeyRecord.Columns.applicationKeyId >= start)
                .order(KeyRecord.Columns.applicationKeyId).limit(Int(maxCount) + 1).fetchAll(db)
        }
        let shown = rows.prefix(Int(maxCount)).filter { call.version >= 4 || ($0.bucketIdList?.count ?? 0) <= 1 }
        return [
            "keys": .array(shown.map { Rendering.key($0, accountId: accountId, version: call.version) }),
            "nextApplicationKeyId": rows.count > Int(maxCount) ? .string(rows[Int(maxCount)].applicationKeyId) : nil,
        ]
    }

    /// `b2_delete_key`: the key's tokens stop working at once.
    func deleteKey(_ call: APICall) async throws -> JSONValue {
        let principal = call.principal!
        try principal.require("deleteKeys")
        let id = try call.parameters.string("applicationKeyId")
        let key = try await database.write { db in
            guard let key = try KeyRecord.fetchOne(db, key: id), !key.isMaster else {
                throw B2APIError.badRequest("Application key \(id) does not exist")
            }
            try key.delete(db)
            return key
        }
        keys.remove(id)
        return Rendering.key(key, accountId: accountId, version: call.version)
    }
}
