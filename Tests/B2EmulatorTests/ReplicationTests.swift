import B2JSON
import HTTPTypes
import Testing

@testable import B2Emulator

@Suite("Replication configuration: stored, validated and shown as B2 does")
struct ReplicationTests {
    static func rule(_ name: String, destination: String, priority: Int64 = 1) -> JSONValue {
        [
            "destinationBucketId": .string(destination), "fileNamePrefix": "one/", "includeExistingFiles": false,
            "isEnabled": true, "priority": .int(priority), "replicationRuleName": .string(name),
        ]
    }

    @Test("Source and destination round-trip, turn off, and block Object Lock on a source")
    func roundTrip() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let destinationId = try await client.createBucket("replica-bucket")
            let key = try await client.ok(
                "b2_create_key", ["accountId": "x", "keyName": "reader", "capabilities": ["listBuckets", "readFiles"]])
            let keyId = try #require(key["applicationKeyId"])
            let destination: JSONValue = [
                "asReplicationSource": nil,
                "asReplicationDestination": ["sourceToDestinationKeyMapping": .object([(keyId.stringValue!, keyId)])],
            ]
            let updated = try await client.ok(
                "b2_update_bucket",
                ["accountId": "x", "bucketId": .string(destinationId), "replicationConfiguration": destination])
            #expect(updated["replicationConfiguration"]?["value"] == destination, "\(updated)")

            let source: JSONValue = [
                "asReplicationSource": [
                    "replicationRules": [Self.rule("replication-one", destination: destinationId)],
                    "sourceApplicationKeyId": keyId,
                ],
                "asReplicationDestination": nil,
            ]
            let created = try await client.ok(
                "b2_create_bucket",
                [
                    "accountId": "x", "bucketName": "source-bucket", "bucketType": "allPrivate",
                    "replicationConfiguration": source,
                ])
            #expect(created["replicationConfiguration"]?["value"] == source)
            let sourceId = try #require(created["bucketId"])
            // New versions that a rule covers are pending; others, and SSE-C ones (B2 does not replicate those),
            // have no status.
            let covered = try await client.upload(bucketId: sourceId.stringValue!, name: "one/a", data: [1]).json
            #expect(covered["replicationStatus"] == "pending")
            let listed = try await client.ok("b2_list_file_versions", ["bucketId": sourceId])
            #expect(listed["files"]?.arrayValue.first?["replicationStatus"] == "pending")
            let outside = try await client.upload(bucketId: sourceId.stringValue!, name: "two/b", data: [1]).json
            #expect(outside["replicationStatus"] == nil)
            // Downloads say it in X-Bz-Replication-Status (b2sdk reads it there), only for covered versions.
            let status = HTTPField.Name("X-Bz-Replication-Status")!
            #expect(try await client.download(bucket: "source-bucket", name: "one/a").headers[status] == "PENDING")
            #expect(try await client.download(bucket: "source-bucket", name: "two/b").headers[status] == nil)
            let sealed = try await client.upload(
                bucketId: sourceId.stringValue!, name: "one/c", data: [1],
                headers: EncryptionTests.sseC(B2TestClient.bytes(32, seed: 2))
            ).json
            #expect(sealed["replicationStatus"] == nil)
            let lock = try await client.call(
                "b2_update_bucket", ["accountId": "x", "bucketId": sourceId, "fileLockEnabled": true])
            #expect(lock.code == "source_replication_conflict")

            let off = try await client.ok(
                "b2_update_bucket",
                [
                    "accountId": "x", "bucketId": sourceId,
                    "replicationConfiguration": ["asReplicationSource": nil, "asReplicationDestination": nil],
                ])
            #expect(off["replicationConfiguration"]?["value"] == .null)
        }
    }

    @Test("Bad configurations are refused naming what to fix, and change nothing")
    func validation() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("checked-bucket")
            let otherId = try await client.createBucket("other-bucket")
            func update(_ configuration: JSONValue) async throws -> B2Reply {
                try await client.call(
                    "b2_update_bucket",
                    ["accountId": "x", "bucketId": .string(bucketId), "replicationConfiguration": configuration])
            }
            let noKey = try await update([
                "asReplicationSource": ["replicationRules": [Self.rule("r-1", destination: otherId)]]
            ])
            #expect(noKey.code == "bad_request")
            #expect(noKey.message.contains("sourceApplicationKeyId"))
            let unknownKey = try await update([
                "asReplicationSource": [
                    "replicationRules": [Self.rule("r-1", destination: otherId)], "sourceApplicationKeyId": "0001nokey",
                ]
            ])
            #expect(unknownKey.message.contains("0001nokey"))
            let twice = try await update([
                "asReplicationSource": [
                    "replicationRules": [
                        Self.rule("same", destination: otherId), Self.rule("same", destination: otherId),
                    ],
                    "sourceApplicationKeyId": .string(EmulatorHarness.keyId),
                ]
            ])
            #expect(twice.message.contains("unique"))
            let noBucket = try await update([
                "asReplicationSource": [
                    "replicationRules": [Self.rule("r-1", destination: "000000000000000000000000")],
                    "sourceApplicationKeyId": .string(EmulatorHarness.keyId),
                ]
            ])
            #expect(noBucket.code == "bad_bucket_id")
            let badPriority = try await update([
                "asReplicationSource": [
                    "replicationRules": [Self.rule("r-1", destination: otherId, priority: 0)],
                    "sourceApplicationKeyId": .string(EmulatorHarness.keyId),
                ]
            ])
            #expect(badPriority.message.contains("priority"))
            let bucket = try await client.ok(
                "b2_list_buckets", ["accountId": "x", "bucketId": .string(bucketId)])
            #expect(bucket["buckets"]?.arrayValue.first?["replicationConfiguration"]?["value"] == .null)
        }
    }
}
