import B2JSON
import NIOCore

/// The JSON shapes of B2's bucket, file-version and key objects.
enum Rendering {
    static func jsonText(_ text: String) -> JSONValue {
        (try? JSONValue.parse(ByteBuffer(string: text))) ?? .object([])
    }

    static func stringMapText(_ pairs: [(String, String)]) -> String {
        JSONValue.object(pairs.map { ($0.0, .string($0.1)) }).serialized()
    }

    static func stringPairs(_ text: String) -> [(String, String)] {
        guard case .object(let members) = jsonText(text) else { return [] }
        return members.compactMap { key, value in if case .string(let s) = value { (key, s) } else { nil } }
    }

    static func bucket(
        _ bucket: BucketRecord, settings: BucketSettings, accountId: String, principal: Principal
    ) -> JSONValue {
        let capabilities = principal.key.capabilityList
        let readEncryption = capabilities.contains("readBucketEncryption")
        let readRetention = capabilities.contains("readBucketRetentions")
        return [
            "accountId": .string(accountId),
            "bucketId": .string(bucket.bucketId),
            "bucketInfo": jsonText(bucket.bucketInfo),
            "bucketName": .string(bucket.bucketName),
            "bucketType": .string(bucket.bucketType),
            "corsRules": jsonText(bucket.corsRules),
            "defaultServerSideEncryption": Encryption.render(settings.encryption, canRead: readEncryption),
            "fileLockConfiguration": ObjectLock.configuration(settings.lock, canRead: readRetention),
            "lifecycleRules": jsonText(bucket.lifecycleRules),
            "options": ["s3"],
            "replicationConfiguration": Replication.render(
                settings.replication, canRead: capabilities.contains("readBucketReplications")),
            "revision": .int(bucket.revision),
        ]
    }

    /// A file version with its settings (lock, encryption, replication); `action` may be overridden (`copy` in a
    /// copy reply).
    static func file(
        _ file: FileRecord,
        settings: FileSettings,
        accountId: String,
        principal: Principal?,
        version: Int,
        action: String? = nil
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("accountId", .string(accountId)),
            ("action", .string(action ?? file.action)),
            ("bucketId", .string(file.bucketId)),
            ("contentLength", .int(file.contentLength)),
            ("contentMd5", .optional(file.contentMd5)),
            ("contentSha1", .optional(file.contentSha1)),
            ("contentType", .optional(file.contentType)),
            ("fileId", .string(file.fileId)),
            ("fileInfo", jsonText(file.fileInfo)),
            ("fileName", .string(file.fileName)),
        ]
        if file.action != "hide" {
            let capabilities = principal?.key.capabilityList ?? Capability.all
            let readRetention = capabilities.contains("readFileRetentions")
            let readHold = capabilities.contains("readFileLegalHolds")
            members += [
                ("fileRetention", ObjectLock.fileRetention(settings.lock, canRead: readRetention)),
                ("legalHold", ObjectLock.legalHold(settings.lock, canRead: readHold)),
                ("serverSideEncryption", Encryption.render(settings.encryption)),
            ]
        }
        if let replication = settings.replication {
            members.append(("replicationStatus", .string(replication.status.rawValue)))
        }
        if version == 1 { members.append(("size", .int(file.contentLength))) }
        members.append(("uploadTimestamp", .int(file.uploadTimestamp)))
        return .object(members)
    }

    static func folder(_ name: String, bucketId: String, accountId: String, version: Int) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("accountId", .string(accountId)),
            ("action", "folder"),
            ("bucketId", .string(bucketId)),
            ("contentLength", 0),
            ("contentMd5", nil),
            ("contentSha1", nil),
            ("contentType", nil),
            ("fileId", nil),
            ("fileInfo", [:]),
            ("fileName", .string(name)),
        ]
        if version == 1 { members.append(("size", 0)) }
        members.append(("uploadTimestamp", 0))
        return .object(members)
    }

    static func key(_ key: KeyRecord, accountId: String, version: Int) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("accountId", .string(accountId)),
            ("applicationKeyId", .string(key.applicationKeyId)),
            ("capabilities", .array(key.capabilityList.map { .string($0) })),
            ("expirationTimestamp", .optional(key.expirationTimestamp)),
            ("keyName", .string(key.keyName)),
            ("namePrefix", .optional(key.namePrefix)),
            ("options", ["s3"]),
        ]
        if version >= 4 {
            members.append(("bucketIds", key.bucketIdList.map { .array($0.map { .string($0) }) } ?? .null))
        } else {
            members.append(("bucketId", .optional(key.bucketIdList?.first)))
        }
        return .object(members)
    }
}
