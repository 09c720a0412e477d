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

    /// Moves the clock forward with the master key; answers what the sweeps did.
    static func advance(_ client: B2TestClient, seconds: Int64) async throws -> JSONValue {
        let reply = try await client.send(
            "/emulator/v1/advance_clock", headers: [.authorization: client.token],
            body: JSONValue.object([("seconds", .int(seconds))]).byteBuffer())
        #expect(reply.status == .ok, "advance_clock: \(reply.status) \(reply.message)")
        return reply.json
    }

    @Test("Due versions are copied to the destination: the source reads completed and the copy replica, or failed")
    func replicates() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let destinationId = try await client.createBucket("copies-bucket")
            let reader = try await client.ok(
                "b2_create_key", ["accountId": "x", "keyName": "reader", "capabilities": ["listBuckets", "readFiles"]])
            let writer = try await client.ok(
                "b2_create_key",
                [
                    "accountId": "x", "keyName": "writer", "capabilities": ["listBuckets", "writeFiles"],
                    "bucketIds": [.string(destinationId)],
                ])
            let readerId = try #require(reader["applicationKeyId"]?.stringValue)
            _ = try await client.ok(
                "b2_update_bucket",
                [
                    "accountId": "x", "bucketId": .string(destinationId),
                    "replicationConfiguration": [
                        "asReplicationDestination": [
                            "sourceToDestinationKeyMapping": .object([(readerId, writer["applicationKeyId"]!)])
                        ]
                    ],
                ])
            let created = try await client.ok(
                "b2_create_bucket",
                [
                    "accountId": "x", "bucketName": "originals-bucket", "bucketType": "allPrivate",
                    "fileLockEnabled": true,
                    "replicationConfiguration": [
                        "asReplicationSource": [
                            "replicationRules": [Self.rule("replication-one", destination: destinationId)],
                            "sourceApplicationKeyId": .string(readerId),
                        ]
                    ],
                ])
            let sourceId = try #require(created["bucketId"]?.stringValue)
            let data = B2TestClient.bytes(3000, seed: 51)
            let plain = try await client.upload(
                bucketId: sourceId, name: "one/plain.bin", data: data, info: [("color", "blue")],
                contentType: "application/x-test"
            ).json
            let sealed = try await client.upload(
                bucketId: sourceId, name: "one/sealed.bin", data: data, headers: EncryptionTests.sseB2
            ).json
            // The destination has no Object Lock, so a version under legal hold cannot be replicated.
            let held = try await client.upload(
                bucketId: sourceId, name: "one/held.bin", data: data,
                headers: [HTTPField.Name("X-Bz-File-Legal-Hold")!: "on"]
            ).json
            #expect(held["replicationStatus"] == "pending")

            // Nothing moves before the delay (60 s by default) has passed on the emulator's clock.
            #expect(try await Self.advance(client, seconds: 10)["replication"] == ["completed": 0, "failed": 0])
            let early = try await client.ok("b2_list_file_names", ["bucketId": .string(destinationId)])
            #expect(early["files"] == [])
            #expect(try await Self.advance(client, seconds: 60)["replication"] == ["completed": 2, "failed": 1])

            func status(_ version: JSONValue) async throws -> JSONValue? {
                try await client.ok("b2_get_file_info", ["fileId": version["fileId"]!])["replicationStatus"]
            }
            #expect(try await status(plain) == "completed")
            #expect(try await status(sealed) == "completed")
            #expect(try await status(held) == "failed")
            let copies = try await client.ok("b2_list_file_names", ["bucketId": .string(destinationId)])
            let files = copies["files"]?.arrayValue ?? []
            #expect(files.map { $0["fileName"] } == ["one/plain.bin", "one/sealed.bin"])
            #expect(files.allSatisfy { $0["replicationStatus"] == "replica" }, "\(files)")
            #expect(files.first?["contentType"] == "application/x-test")
            #expect(files.first?["fileInfo"]?["color"] == "blue")
            #expect(files.last?["serverSideEncryption"]?["mode"] == "SSE-B2")
            let copy = try await client.download(bucket: "copies-bucket", name: "one/sealed.bin")
            #expect(copy.bytes == data)
            #expect(copy.headers[HTTPField.Name("X-Bz-Replication-Status")!] == "REPLICA")
            // A hide marker is a version too: hiding a replicated name hides it in the destination.
            let marker = try await client.ok(
                "b2_hide_file", ["bucketId": .string(sourceId), "fileName": "one/plain.bin"])
            #expect(marker["replicationStatus"] == "pending")
            #expect(try await Self.advance(client, seconds: 61)["replication"] == ["completed": 1, "failed": 0])
            #expect(try await status(marker) == "completed")
            let visible = try await client.ok("b2_list_file_names", ["bucketId": .string(destinationId)])
            #expect(visible["files"]?.arrayValue.map { $0["fileName"] } == ["one/sealed.bin"])
            let versions = try await client.ok(
                "b2_list_file_versions", ["bucketId": .string(destinationId), "prefix": "one/plain.bin"])
            let replicated = versions["files"]?.arrayValue ?? []
            #expect(replicated.map { $0["action"] } == ["hide", "upload"])
            #expect(replicated.first?["replicationStatus"] == "replica")
            // Once done, a version is not copied again.
            #expect(try await Self.advance(client, seconds: 120)["replication"] == ["completed": 0, "failed": 0])
        }
    }
}
