import B2JSON
import GRDB

extension EmulatorState {
    /// `b2_authorize_account`, in the reply shape of the API version asked for.
    func authorizeAccount(_ call: APICall) async throws -> JSONValue {
        let key = try authenticateBasic(call.request)
        let allowedIds = key.bucketIdList
        let names: [String: String] =
            if let allowedIds {
                try await database.writer.read { db in
                    let rows = try BucketRecord.filter(keys: allowedIds).fetchAll(db)
                    return Dictionary(rows.map { ($0.bucketId, $0.bucketName) }, uniquingKeysWith: { $1 })
                }
            } else { [:] }
        let shortLived = try TestMode(call.request.headers) == .expireSomeAccountAuthorizationTokens
        let token = issueToken(
            for: key, scope: .account, lifetimeSeconds: shortLived ? TestMode.shortTokenLifetimeSeconds : nil)
        let capabilities = JSONValue.array(key.capabilityList.map { .string($0) })
        let base = call.baseURL
        let firstBucketId = allowedIds?.first
        let firstBucketName = firstBucketId.flatMap { names[$0] }
        switch call.version {
        case 4:
            let buckets: JSONValue =
                allowedIds.map { ids in .array(ids.map { ["id": .string($0), "name": .optional(names[$0])] }) }
                ?? .null
            return [
                "accountId": .string(accountId),
                "authorizationToken": .string(token),
                "applicationKeyExpirationTimestamp": .optional(key.expirationTimestamp),
                "apiInfo": [
                    "storageApi": [
                        "infoType": "storageApi",
                        "apiUrl": .string(base),
                        "downloadUrl": .string(base),
                        "s3ApiUrl": .string(base),
                        "recommendedPartSize": .int(configuration.recommendedPartSize),
                        "absoluteMinimumPartSize": .int(configuration.absoluteMinimumPartSize),
                        "allowed": [
                            "buckets": buckets,
                            "capabilities": capabilities,
                            "namePrefix": .optional(key.namePrefix),
                        ],
                    ]
                ],
            ]
        case 3:
            try requireSingleBucket(allowedIds)
            return [
                "accountId": .string(accountId),
                "authorizationToken": .string(token),
                "applicationKeyExpirationTimestamp": .optional(key.expirationTimestamp),
                "apiInfo": [
                    "storageApi": [
                        "infoType": "storageApi",
                        "apiUrl": .string(base),
                        "downloadUrl": .string(base),
                        "s3ApiUrl": .string(base),
                        "recommendedPartSize": .int(configuration.recommendedPartSize),
                        "absoluteMinimumPartSize": .int(configuration.absoluteMinimumPartSize),
                        "bucketId": .optional(firstBucketId),
                        "bucketName": .optional(firstBucketName),
                        "capabilities": capabilities,
                        "namePrefix": .optional(key.namePrefix),
                    ]
                ],
            ]
        default:
            try requireSingleBucket(allowedIds)
            return [
                "absoluteMinimumPartSize": .int(configuration.absoluteMinimumPartSize),
                "accountId": .string(accountId),
                "allowed": [
                    "bucketId": .optional(firstBucketId),
                    "bucketName": .optional(firstBucketName),
                    "capabilities": capabilities,
                    "namePrefix": .optional(key.namePrefix),
                ],
                "apiUrl": .string(base),
                "authorizationToken": .string(token),
                "downloadUrl": .string(base),
                "minimumPartSize": .int(configuration.recommendedPartSize),
                "recommendedPartSize": .int(configuration.recommendedPartSize),
                "s3ApiUrl": .string(base),
            ]
        }
    }

    private func requireSingleBucket(_ ids: [String]?) throws {
        if let ids, ids.count > 1 {
            throw B2APIError(
                .unauthorized, "unsupported",
                "This key is restricted to several buckets, which API versions before v4 cannot express: use /b2api/v4/"
            )
        }
    }
}
