import Testing

@testable import B2Emulator

@Suite("Buckets")
struct BucketTests {
    @Test("Create, list, update with revisions, delete")
    func lifecycle() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let second = try await client.createBucket("zeta-bucket")
            let first = try await client.createBucket("alpha-bucket", type: "allPublic")
            let list = try await client.ok(
                "b2_list_buckets", ["accountId": "a", "bucketTypes": ["all"], "bucketId": nil])
            #expect(
                list["buckets"]?.arrayValue.map { $0["bucketName"]?.stringValue } == ["alpha-bucket", "zeta-bucket"])
            let bucket = try #require(list["buckets"]?.arrayValue.first)
            for field in [
                "bucketInfo", "corsRules", "lifecycleRules", "options", "revision",
                "defaultServerSideEncryption", "fileLockConfiguration",
            ] {
                #expect(bucket[field] != nil, "missing \(field)")
            }
            let byName = try await client.ok("b2_list_buckets", ["accountId": "a", "bucketName": "zeta-bucket"])
            #expect(byName["buckets"]?.arrayValue.first?["bucketId"]?.stringValue == second)

            let updated = try await client.ok(
                "b2_update_bucket",
                ["accountId": "a", "bucketId": .string(first), "bucketType": "allPrivate", "ifRevisionIs": 1]
            )
            #expect(updated["revision"] == .int(2))
            #expect(updated["bucketType"] == "allPrivate")
            let conflict = try await client.call(
                "b2_update_bucket",
                ["accountId": "a", "bucketId": .string(first), "ifRevisionIs": 1, "bucketInfo": [:]]
            )
            #expect(conflict.status == .conflict)
            #expect(conflict.code == "conflict")

            _ = try await client.ok("b2_delete_bucket", ["accountId": "a", "bucketId": .string(first)])
            let again = try await client.call("b2_delete_bucket", ["accountId": "a", "bucketId": .string(first)])
            #expect(again.code == "bad_bucket_id")
        }
    }

    @Test("Bad bucket input gets B2's errors and changes nothing")
    func badInput() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            _ = try await client.createBucket("taken-name")
            let duplicate = try await client.call(
                "b2_create_bucket", ["accountId": "a", "bucketName": "TAKEN-name", "bucketType": "allPrivate"]
            )
            #expect(duplicate.code == "duplicate_bucket_name")
            for name in ["short", "b2-reserved", "under_score", String(repeating: "x", count: 64)] {
                let reply = try await client.call(
                    "b2_create_bucket", ["accountId": "a", "bucketName": .string(name), "bucketType": "allPrivate"]
                )
                #expect(reply.status == .badRequest)
                #expect(reply.message.contains("Invalid bucket name"))
            }
            let badType = try await client.call(
                "b2_create_bucket", ["accountId": "a", "bucketName": "good-name", "bucketType": "public"]
            )
            #expect(badType.message.contains("allPrivate or allPublic"))
            let wrongType = try await client.call(
                "b2_create_bucket", ["accountId": "a", "bucketName": 42, "bucketType": "allPrivate"]
            )
            #expect(wrongType.message == "Field bucketName must be a string, not a number")
            let malformed = try await client.send(
                "/b2api/v4/b2_create_bucket", headers: [.authorization: client.token],
                body: .init(string: "{\"bucketName\":")
            )
            #expect(malformed.code == "bad_json")
            let list = try await client.ok("b2_list_buckets", ["accountId": "a"])
            #expect(list["buckets"]?.arrayValue.count == 1)
        }
    }

    @Test("A bucket with files cannot be deleted")
    func nonEmpty() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("full-bucket")
            #expect(try await client.upload(bucketId: bucketId, name: "f", data: [1]).status == .ok)
            let reply = try await client.call("b2_delete_bucket", ["accountId": "a", "bucketId": .string(bucketId)])
            #expect(reply.code == "cannot_delete_non_empty_bucket")
        }
    }
}
