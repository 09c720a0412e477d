import B2JSON
import Foundation
import HTTPTypes
import Testing

@testable import B2Emulator

@Suite("Object Lock: file lock buckets, retention and legal hold")
struct ObjectLockTests {
    static let hour: Int64 = 3_600_000

    static func retentionHeaders(_ mode: String, until: Int64) -> HTTPFields {
        [
            HTTPField.Name("X-Bz-File-Retention-Mode")!: mode,
            HTTPField.Name("X-Bz-File-Retention-Retain-Until-Timestamp")!: String(until),
        ]
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func lockedBucket(_ client: B2TestClient, _ name: String) async throws -> String {
        let bucket = try await client.ok(
            "b2_create_bucket",
            ["accountId": "x", "bucketName": .string(name), "bucketType": "allPrivate", "fileLockEnabled": true])
        #expect(bucket["fileLockConfiguration"]?["value"]?["isFileLockEnabled"] == true)
        return try #require(bucket["bucketId"]?.stringValue)
    }

    static func delete(_ client: B2TestClient, _ version: JSONValue, bypass: Bool = false) async throws -> B2Reply {
        try await client.call(
            "b2_delete_file_version",
            ["fileId": version["fileId"]!, "fileName": version["fileName"]!, "bypassGovernance": .bool(bypass)])
    }

    @Test("A bucket without Object Lock refuses retention and holds as B2 does, and stores nothing")
    func bucketWithoutLock() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("plain-bucket")
            let refused = try await client.upload(
                bucketId: bucketId, name: "a", data: [1],
                headers: Self.retentionHeaders("governance", until: Self.now() + Self.hour))
            #expect(refused.status == .badRequest)
            #expect(refused.code == "bucket_missing_file_lock")
            #expect(refused.message == "The bucket is not file lock enabled")
            let listed = try await client.ok("b2_list_file_versions", ["bucketId": .string(bucketId)])
            #expect(listed["files"]?.arrayValue.isEmpty == true)

            let plain = try await client.upload(bucketId: bucketId, name: "a", data: [1]).json
            #expect(plain["fileRetention"]?["value"] == ["mode": nil, "retainUntilTimestamp": nil])
            #expect(plain["legalHold"]?["value"] == .null)
            let hold = try await client.call(
                "b2_update_file_legal_hold", ["fileId": plain["fileId"]!, "fileName": "a", "legalHold": "on"])
            #expect(hold.code == "bucket_missing_file_lock")
            let retention = try await client.call(
                "b2_update_bucket",
                [
                    "accountId": "x", "bucketId": .string(bucketId),
                    "defaultRetention": ["mode": "compliance", "period": ["duration": 7, "unit": "days"]],
                ])
            #expect(retention.code == "bucket_missing_file_lock")
        }
    }

    @Test("Compliance refuses deletion and shortening until it ends on the advanced clock; extending is allowed")
    func compliance() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await Self.lockedBucket(client, "compliance-bucket")
            let until = Self.now() + Self.hour
            let version = try await client.upload(
                bucketId: bucketId, name: "kept", data: [1, 2],
                headers: Self.retentionHeaders("compliance", until: until)
            ).json
            #expect(version["fileRetention"]?["value"] == ["mode": "compliance", "retainUntilTimestamp": .int(until)])

            // B2 refuses a locked deletion with 401 unauthorized "Access Denied" (the official CLI's test expects it).
            let deleted = try await Self.delete(client, version, bypass: true)
            #expect(deleted.status == .unauthorized)
            #expect(deleted.code == "unauthorized")
            #expect(deleted.message == "Access Denied")
            let shorter = try await client.call(
                "b2_update_file_retention",
                [
                    "fileId": version["fileId"]!, "fileName": "kept", "bypassGovernance": true,
                    "fileRetention": ["mode": "compliance", "retainUntilTimestamp": .int(until - 1000)],
                ])
            #expect(shorter.code == "access_denied")
            let removed = try await client.call(
                "b2_update_file_retention",
                ["fileId": version["fileId"]!, "fileName": "kept", "fileRetention": ["mode": nil]])
            #expect(removed.code == "access_denied")
            let longer = try await client.ok(
                "b2_update_file_retention",
                [
                    "fileId": version["fileId"]!, "fileName": "kept",
                    "fileRetention": ["mode": "compliance", "retainUntilTimestamp": .int(until + Self.hour)],
                ])
            #expect(longer["fileRetention"]?["retainUntilTimestamp"] == .int(until + Self.hour))
            let info = try await client.ok("b2_get_file_info", ["fileId": version["fileId"]!])
            #expect(info["fileRetention"]?["value"]?["retainUntilTimestamp"] == .int(until + Self.hour))

            let advanced = try await client.send(
                "/emulator/v1/advance_clock", headers: [.authorization: client.token],
                body: JSONValue.object([("seconds", .int(3 * 3600))]).byteBuffer())
            #expect(advanced.status == .ok)
            // The account token is 24 hours long, so it survives three hours of emulated time.
            #expect(try await Self.delete(client, version).status == .ok)
        }
    }

    @Test("Governance gives way to bypassGovernance with its capability only")
    func governance() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await Self.lockedBucket(client, "governance-bucket")
            let version = try await client.upload(
                bucketId: bucketId, name: "g", data: [1],
                headers: Self.retentionHeaders("governance", until: Self.now() + Self.hour)
            ).json
            #expect(try await Self.delete(client, version).message == "Access Denied")

            let key = try await client.ok(
                "b2_create_key",
                [
                    "accountId": "x", "keyName": "no-bypass",
                    "capabilities": ["listBuckets", "listFiles", "readFiles", "deleteFiles", "writeFileRetentions"],
                ])
            var limited = base
            _ = try await limited.authorize(
                keyId: key["applicationKeyId"]!.stringValue!, key: key["applicationKey"]!.stringValue!)
            let unbypassable = try await Self.delete(limited, version, bypass: true)
            #expect(unbypassable.code == "unauthorized")
            #expect(unbypassable.message == "")
            let shortened = try await limited.call(
                "b2_update_file_retention",
                [
                    "fileId": version["fileId"]!, "fileName": "g", "bypassGovernance": true,
                    "fileRetention": ["mode": nil],
                ])
            #expect(shortened.code == "access_denied")

            #expect(try await Self.delete(client, version, bypass: true).status == .ok)
        }
    }

    @Test("A legal hold blocks deletion until it is off; holds and retention need their capabilities")
    func legalHoldAndCapabilities() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await Self.lockedBucket(client, "hold-bucket")
            let version = try await client.upload(
                bucketId: bucketId, name: "h", data: [1], headers: [HTTPField.Name("X-Bz-File-Legal-Hold")!: "on"]
            ).json
            #expect(version["legalHold"]?["value"] == "on")
            #expect(try await Self.delete(client, version).message == "Access Denied")

            let key = try await client.ok(
                "b2_create_key",
                [
                    "accountId": "x", "keyName": "writer",
                    "capabilities": ["listBuckets", "listFiles", "writeFiles", "deleteFiles"],
                ])
            var writer = base
            _ = try await writer.authorize(
                keyId: key["applicationKeyId"]!.stringValue!, key: key["applicationKey"]!.stringValue!)
            let hold = try await writer.call(
                "b2_update_file_legal_hold", ["fileId": version["fileId"]!, "fileName": "h", "legalHold": "off"])
            // B2 answers a key without the capability to change a lock with 403 access_denied (b2sdk's
            // RetentionWriteError), unlike other missing capabilities.
            #expect(hold.code == "access_denied")
            #expect(hold.guidance.contains("writeFileLegalHolds"))
            let retained = try await writer.upload(
                bucketId: bucketId, name: "w", data: [1],
                headers: Self.retentionHeaders("governance", until: Self.now() + Self.hour))
            #expect(retained.code == "unauthorized")
            let listed = try await writer.ok("b2_list_file_names", ["bucketId": .string(bucketId)])
            #expect(listed["files"]?.arrayValue.first?["legalHold"]?["isClientAuthorizedToRead"] == false)
            #expect(listed["files"]?.arrayValue.first?["fileRetention"]?["value"] == .null)

            let off = try await client.ok(
                "b2_update_file_legal_hold", ["fileId": version["fileId"]!, "fileName": "h", "legalHold": "off"])
            #expect(off["legalHold"] == "off")
            #expect(try await Self.delete(client, version).status == .ok)
        }
    }

    @Test("Default retention applies to new versions; a past retain-until and disabling the lock are refused")
    func defaultsAndRefusals() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("later-lock")
            let updated = try await client.ok(
                "b2_update_bucket",
                [
                    "accountId": "x", "bucketId": .string(bucketId), "fileLockEnabled": true,
                    "defaultRetention": ["mode": "governance", "period": ["duration": 1, "unit": "days"]],
                ])
            #expect(
                updated["fileLockConfiguration"]?["value"]
                    == [
                        "defaultRetention": ["mode": "governance", "period": ["duration": 1, "unit": "days"]],
                        "isFileLockEnabled": true,
                    ])
            let before = Self.now()
            let version = try await client.upload(bucketId: bucketId, name: "d", data: [1]).json
            #expect(version["fileRetention"]?["value"]?["mode"] == "governance")
            let until = try #require(version["fileRetention"]?["value"]?["retainUntilTimestamp"]?.intValue)
            #expect(until >= before + 24 * Self.hour && until <= Self.now() + 24 * Self.hour)

            let past = try await client.upload(
                bucketId: bucketId, name: "p", data: [1], headers: Self.retentionHeaders("governance", until: 1000))
            #expect(past.code == "retain_until_timestamp_must_be_in_future")
            #expect(past.message == "The retainUntilTimestamp must be in future")

            let disable = try await client.call(
                "b2_update_bucket", ["accountId": "x", "bucketId": .string(bucketId), "fileLockEnabled": false])
            #expect(disable.code == "file_lock_conflict")
            let large = try await client.ok(
                "b2_start_large_file",
                [
                    "bucketId": .string(bucketId), "fileName": "big", "contentType": "b2/x-auto", "legalHold": "on",
                    "fileRetention": ["mode": "compliance", "retainUntilTimestamp": .int(Self.now() + Self.hour)],
                ])
            #expect(large["legalHold"]?["value"] == "on")
            #expect(large["fileRetention"]?["value"]?["mode"] == "compliance")
        }
    }

    @Test("Only the master key moves the clock, and only forward")
    func clockCalls() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let backward = try await client.send(
                "/emulator/v1/advance_clock", headers: [.authorization: client.token],
                body: JSONValue.object([("seconds", .int(-5))]).byteBuffer())
            #expect(backward.code == "bad_request")
            let key = try await client.ok(
                "b2_create_key", ["accountId": "x", "keyName": "other", "capabilities": ["listBuckets"]])
            var other = base
            _ = try await other.authorize(
                keyId: key["applicationKeyId"]!.stringValue!, key: key["applicationKey"]!.stringValue!)
            let refused = try await other.send(
                "/emulator/v1/advance_clock", headers: [.authorization: other.token],
                body: JSONValue.object([("seconds", .int(5))]).byteBuffer())
            #expect(refused.code == "unauthorized")
        }
    }

    @Test("Downloads carry retention and hold to keys that may read them, and name them as unreadable to others")
    func downloadHeaders() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await Self.lockedBucket(client, "download-lock")
            let until = Self.now() + Self.hour
            var headers = Self.retentionHeaders("governance", until: until)
            headers[HTTPField.Name("X-Bz-File-Legal-Hold")!] = "on"
            _ = try await client.upload(bucketId: bucketId, name: "held", data: [1], headers: headers)
            _ = try await client.upload(bucketId: bucketId, name: "plain", data: [2])

            let mode = HTTPField.Name("X-Bz-File-Retention-Mode")!
            let retainUntil = HTTPField.Name("X-Bz-File-Retention-Retain-Until-Timestamp")!
            let hold = HTTPField.Name("X-Bz-File-Legal-Hold")!
            let unreadable = HTTPField.Name("X-Bz-Client-Unauthorized-To-Read")!
            let held = try await client.download(bucket: "download-lock", name: "held", method: .head)
            #expect(held.headers[mode] == "governance")
            #expect(held.headers[retainUntil] == String(until))
            #expect(held.headers[hold] == "on")
            #expect(held.headers[unreadable] == nil)
            let plain = try await client.download(bucket: "download-lock", name: "plain", method: .head)
            #expect(plain.headers[mode] == nil && plain.headers[hold] == nil && plain.headers[unreadable] == nil)

            let key = try await client.ok(
                "b2_create_key", ["accountId": "x", "keyName": "reader", "capabilities": ["readFiles", "listBuckets"]])
            var reader = base
            _ = try await reader.authorize(
                keyId: key["applicationKeyId"]!.stringValue!, key: key["applicationKey"]!.stringValue!)
            let hidden = try await reader.download(bucket: "download-lock", name: "held", method: .head)
            #expect(hidden.status == .ok)
            #expect(hidden.headers[mode] == nil && hidden.headers[hold] == nil)
            #expect(
                hidden.headers[unreadable]
                    == "X-Bz-File-Retention-Mode,X-Bz-File-Retention-Retain-Until-Timestamp,X-Bz-File-Legal-Hold")
        }
    }
}
