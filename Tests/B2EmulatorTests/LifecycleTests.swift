import B2JSON
import Foundation
import GRDB
import Testing

@testable import B2Emulator

@Suite("Lifecycle rules: validated as B2 does, applied on the emulator's clock")
struct LifecycleTests {
    static let day = 86_400

    static func rule(_ prefix: String, hide: Int64? = nil, delete: Int64? = nil, cancel: Int64? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("fileNamePrefix", .string(prefix))]
        if let hide { members.append(("daysFromUploadingToHiding", .int(hide))) }
        if let delete { members.append(("daysFromHidingToDeleting", .int(delete))) }
        if let cancel { members.append(("daysFromStartingToCancelingUnfinishedLargeFiles", .int(cancel))) }
        return .object(members)
    }

    /// Moves the clock forward and authorizes again (the account token lasts 24 hours); answers what the sweep did.
    static func advance(_ client: inout B2TestClient, seconds: Int) async throws -> JSONValue {
        let reply = try await client.send(
            "/emulator/v1/advance_clock", headers: [.authorization: client.token],
            body: JSONValue.object([("seconds", .int(Int64(seconds)))]).byteBuffer())
        #expect(reply.status == .ok, "advance_clock: \(reply.status) \(reply.message)")
        _ = try await client.authorize()
        return reply.json["lifecycle"] ?? .null
    }

    static func versions(_ client: B2TestClient, _ bucketId: String) async throws -> [(String, String)] {
        let listed = try await client.ok("b2_list_file_versions", ["bucketId": .string(bucketId)])
        return listed["files"]?.arrayValue.map { ($0["fileName"]!.stringValue!, $0["action"]!.stringValue!) } ?? []
    }

    /// Creates a private bucket with `rules` (and Object Lock when `locked`); answers its id.
    static func bucket(
        _ client: B2TestClient, _ name: String, rules: [JSONValue], locked: Bool = false
    ) async throws -> String {
        let bucket = try await client.ok(
            "b2_create_bucket",
            [
                "accountId": "x", "bucketName": .string(name), "bucketType": "allPrivate",
                "fileLockEnabled": .bool(locked), "lifecycleRules": .array(rules),
            ])
        return try #require(bucket["bucketId"]?.stringValue)
    }

    @Test("Rules are refused as B2 refuses them, and answered in B2's shape")
    func validation() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let refusals: [(JSONValue, String)] = [
                ([Self.rule("photos/", delete: 1), Self.rule("photos/kittens/", delete: 2)], "apply to the same"),
                ([Self.rule("a/", delete: 1), Self.rule("a/", hide: 2)], "apply to the same"),
                ([Self.rule("logs/")], "sets no period"),
                ([Self.rule("logs/", delete: 0)], "positive number of days"),
                ([["daysFromHidingToDeleting": 1]], "needs fileNamePrefix"),
                (.array((0...100).map { Self.rule("p\($0)/", delete: 1) }), "a bucket may have 100"),
                (["fileNamePrefix": ""], "must be an array"),
            ]
            for (index, (rules, message)) in refusals.enumerated() {
                let reply = try await client.call(
                    "b2_create_bucket",
                    [
                        "accountId": "x", "bucketName": .string("refused-\(index)"), "bucketType": "allPrivate",
                        "lifecycleRules": rules,
                    ])
                #expect(reply.status == .badRequest, "\(rules)")
                #expect(reply.code == "bad_request")
                #expect(reply.message.contains(message), "\(reply.message)")
            }
            let listed = try await client.ok("b2_list_buckets", ["accountId": "x"])
            #expect(listed["buckets"]?.arrayValue.isEmpty == true)

            // The official CLI's test_bucket compares the reply with exactly these members.
            let bucketId = try await client.createBucket("rules-bucket")
            let updated = try await client.ok(
                "b2_update_bucket",
                [
                    "accountId": "x", "bucketId": .string(bucketId),
                    "lifecycleRules": [
                        ["daysFromHidingToDeleting": 1, "daysFromUploadingToHiding": nil, "fileNamePrefix": ""]
                    ],
                ])
            #expect(
                updated["lifecycleRules"]
                    == [["daysFromHidingToDeleting": 1, "daysFromUploadingToHiding": nil, "fileNamePrefix": ""]])
            let canceling = try await client.ok(
                "b2_update_bucket",
                [
                    "accountId": "x", "bucketId": .string(bucketId),
                    "lifecycleRules": [Self.rule("tmp/", cancel: 3), Self.rule("logs/", hide: 2)],
                ])
            #expect(
                canceling["lifecycleRules"]
                    == [
                        [
                            "daysFromHidingToDeleting": nil, "daysFromUploadingToHiding": nil,
                            "daysFromStartingToCancelingUnfinishedLargeFiles": 3, "fileNamePrefix": "tmp/",
                        ],
                        ["daysFromHidingToDeleting": nil, "daysFromUploadingToHiding": 2, "fileNamePrefix": "logs/"],
                    ])
        }
    }

    @Test("Hidden versions go after daysFromHidingToDeleting, current ones are hidden after daysFromUploadingToHiding")
    func hideAndDelete() async throws {
        let dataDirectory = EmulatorHarness.makeDataDirectory()
        try await EmulatorHarness.run(dataDirectory: dataDirectory) { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await Self.bucket(
                client, "aging-bucket", rules: [Self.rule("logs/", hide: 2, delete: 1)])
            let old = try await client.upload(bucketId: bucketId, name: "logs/a", data: Array("old".utf8)).json
            _ = try await client.upload(bucketId: bucketId, name: "logs/a", data: Array("new".utf8))
            _ = try await client.upload(bucketId: bucketId, name: "keep/b", data: [1])
            _ = try await client.upload(bucketId: bucketId, name: "keep/b", data: [2])
            let blobs = dataDirectory + "/blobs"
            let blobsBefore = try FileManager.default.contentsOfDirectory(atPath: blobs).count

            // Less than a day: nothing happens.
            #expect(
                try await Self.advance(&client, seconds: Self.day - 60) == ["hidden": 0, "deleted": 0, "canceled": 0])
            #expect(try await Self.versions(client, bucketId).count == 4)

            // A day after the new version hid it, the old version of logs/a goes; keep/b is outside the rule.
            #expect(try await Self.advance(&client, seconds: 120) == ["hidden": 0, "deleted": 1, "canceled": 0])
            #expect(
                try await Self.versions(client, bucketId).map { "\($0.0) \($0.1)" }
                    == ["keep/b upload", "keep/b upload", "logs/a upload"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: blobs).count == blobsBefore - 1)
            let gone = try await client.call("b2_get_file_info", ["fileId": old["fileId"]!])
            #expect(gone.status == .notFound)

            // Two days after its upload, the current version gets a hide marker...
            #expect(try await Self.advance(&client, seconds: Self.day) == ["hidden": 1, "deleted": 0, "canceled": 0])
            #expect(
                try await Self.versions(client, bucketId).filter { $0.0 == "logs/a" }.map(\.1) == ["hide", "upload"])
            // ...and a day later the version and then its marker are deleted, so the name is gone.
            #expect(try await Self.advance(&client, seconds: Self.day) == ["hidden": 0, "deleted": 2, "canceled": 0])
            #expect(try await Self.versions(client, bucketId).map(\.0) == ["keep/b", "keep/b"])

            let database = try EmulatorDatabase(path: dataDirectory + "/metadata.sqlite")
            let events = try await database.writer.read { db in
                try ObjectEventRecord.order(ObjectEventRecord.Columns.seq).fetchAll(db)
            }
            #expect(
                events.filter { $0.eventType.hasSuffix(":LifecycleRule") }.map { "\($0.eventType) \($0.objectName)" }
                    == [
                        "b2:ObjectDeleted:LifecycleRule logs/a", "b2:HideMarkerCreated:LifecycleRule logs/a",
                        "b2:ObjectDeleted:LifecycleRule logs/a", "b2:ObjectDeleted:LifecycleRule logs/a",
                    ])
            #expect(events.first?.objectVersionId == old["fileId"]?.stringValue)
            #expect(events.first?.objectSize == 3)
        }
    }

    @Test("Lifecycle rules never delete a version that Object Lock protects")
    func lockedVersionsStay() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await Self.bucket(
                client, "locked-aging", rules: [Self.rule("", delete: 1)], locked: true)
            let until = Int64(Date().timeIntervalSince1970 * 1000) + 30 * Int64(Self.day) * 1000
            _ = try await client.upload(
                bucketId: bucketId, name: "held", data: [1],
                headers: ObjectLockTests.retentionHeaders("compliance", until: until))
            _ = try await client.upload(bucketId: bucketId, name: "held", data: [2])
            _ = try await client.upload(bucketId: bucketId, name: "free", data: [3])
            _ = try await client.upload(bucketId: bucketId, name: "free", data: [4])
            #expect(
                try await Self.advance(&client, seconds: 2 * Self.day) == ["hidden": 0, "deleted": 1, "canceled": 0])
            #expect(try await Self.versions(client, bucketId).map(\.0) == ["free", "held", "held"])
        }
    }

    @Test("Unfinished large files under the prefix are canceled after daysFromStartingToCancelingUnfinishedLargeFiles")
    func cancelUnfinished() async throws {
        let dataDirectory = EmulatorHarness.makeDataDirectory()
        try await EmulatorHarness.run(dataDirectory: dataDirectory) { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await Self.bucket(client, "unfinished-aging", rules: [Self.rule("tmp/", cancel: 1)])
            var started: [String: String] = [:]
            for name in ["tmp/big", "data/big"] {
                let file = try await client.ok(
                    "b2_start_large_file",
                    ["bucketId": .string(bucketId), "fileName": .string(name), "contentType": "b2/x-auto"])
                started[name] = file["fileId"]?.stringValue
            }
            let part = B2TestClient.bytes(10)
            let uploaded = try await LargeFileTests().uploadPart(
                client, fileId: started["tmp/big"]!, number: 1, data: part)
            #expect(uploaded.status == .ok)
            #expect(FileManager.default.fileExists(atPath: dataDirectory + "/parts/" + started["tmp/big"]!))

            #expect(
                try await Self.advance(&client, seconds: Self.day + 60) == ["hidden": 0, "deleted": 0, "canceled": 1])
            let unfinished = try await client.ok("b2_list_unfinished_large_files", ["bucketId": .string(bucketId)])
            #expect(unfinished["files"]?.arrayValue.map { $0["fileName"]?.stringValue } == ["data/big"])
            #expect(!FileManager.default.fileExists(atPath: dataDirectory + "/parts/" + started["tmp/big"]!))
        }
    }
}
