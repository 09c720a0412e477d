import B2JSON
import Testing

@testable import B2Emulator

@Suite("Event notification rules: stored and validated as B2 does")
struct NotificationRuleTests {
    static func rule(
        _ name: String = "new-uploads", types: [String] = ["b2:ObjectCreated:*"], prefix: String = "",
        target: JSONValue = ["targetType": "webhook", "url": "https://example.com/hook"], batch: JSONValue = 1
    ) -> JSONValue {
        [
            "name": .string(name), "eventTypes": .array(types.map { .string($0) }), "objectNamePrefix": .string(prefix),
            "isEnabled": true, "maxEventsPerBatch": batch, "targetConfiguration": target,
        ]
    }

    static func set(_ client: B2TestClient, _ bucketId: String, _ rules: [JSONValue]) async throws -> B2Reply {
        try await client.call(
            "b2_set_bucket_notification_rules",
            ["bucketId": .string(bucketId), "eventNotificationRules": .array(rules)])
    }

    @Test("Set replaces every rule and answers them with isSuspended and suspensionReason; get reads them back")
    func roundTrip() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("notify-bucket")
            let empty = try await client.ok("b2_get_bucket_notification_rules", ["bucketId": .string(bucketId)])
            #expect(empty == ["bucketId": .string(bucketId), "eventNotificationRules": []])
            let secret = "0testSecret000000000000000000032"
            let signed = Self.rule(
                "signed-rule", types: ["b2:ObjectDeleted:Delete", "b2:HideMarkerCreated:*"], prefix: "logs/",
                target: [
                    "targetType": "webhook", "url": "http://127.0.0.1:9/hook",
                    "hmacSha256SigningSecret": .string(secret),
                    "customHeaders": [["name": "X-Team", "value": "data"]],
                ], batch: 50)
            let set = try await Self.set(client, bucketId, [Self.rule(), signed])
            #expect(set.status == .ok, "\(set.message)")
            let rules = set.json["eventNotificationRules"]?.arrayValue ?? []
            #expect(rules.map { $0["name"] } == ["new-uploads", "signed-rule"])
            #expect(rules.first?["isSuspended"] == false)
            #expect(rules.first?["suspensionReason"] == "")
            #expect(
                rules.first?["targetConfiguration"]
                    == [
                        "customHeaders": .null, "hmacSha256SigningSecret": .null, "targetType": "webhook",
                        "url": "https://example.com/hook",
                    ])
            #expect(rules.last?["targetConfiguration"]?["hmacSha256SigningSecret"] == .string(secret))
            #expect(rules.last?["targetConfiguration"]?["customHeaders"] == [["name": "X-Team", "value": "data"]])
            #expect(rules.last?["maxEventsPerBatch"] == 50)
            let read = try await client.ok("b2_get_bucket_notification_rules", ["bucketId": .string(bucketId)])
            #expect(read == set.json)

            let replaced = try await Self.set(client, bucketId, [Self.rule("only-this-one")])
            #expect(replaced.json["eventNotificationRules"]?.arrayValue.map { $0["name"] } == ["only-this-one"])
            _ = try await Self.set(client, bucketId, [])
            let cleared = try await client.ok("b2_get_bucket_notification_rules", ["bucketId": .string(bucketId)])
            #expect(cleared["eventNotificationRules"] == [])
        }
    }

    @Test("Each of B2's limits refuses the call with what to fix, and the stored rules stay as they were")
    func validation() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("notify-checked")
            #expect(try await Self.set(client, bucketId, [Self.rule("kept-rule")]).status == .ok)
            let refusals: [([JSONValue], String)] = [
                ((0..<26).map { Self.rule("rule-\($0)x", prefix: "p\($0)/") }, "25 event notification rules"),
                ([Self.rule("short")], "6 to 63"),
                ([Self.rule(String(repeating: "a", count: 64))], "6 to 63"),
                ([Self.rule("bad_name")], "6 to 63"),
                ([Self.rule("b2-reserved")], "may not start with b2-"),
                ([Self.rule("twice-rule", prefix: "a/"), Self.rule("twice-rule", prefix: "b/")], "must be unique"),
                (
                    [Self.rule("wide-rule"), Self.rule("narrow-rule", types: ["b2:ObjectCreated:Copy"], prefix: "x/")],
                    "overlapping prefixes"
                ),
                ([Self.rule(batch: 0)], "maxEventsPerBatch"),
                ([Self.rule(batch: 51)], "maxEventsPerBatch"),
                ([Self.rule(types: ["b2:ObjectCreated:Teleport"])], "names event type"),
                ([Self.rule(types: [])], "needs eventTypes"),
                ([Self.rule(target: ["targetType": "webhook", "url": "http://example.com/hook"])], "https://"),
                ([Self.rule(target: ["targetType": "email", "url": "https://example.com/hook"])], "webhook"),
                (
                    [
                        Self.rule(target: [
                            "targetType": "webhook", "url": "https://example.com/hook",
                            "hmacSha256SigningSecret": "too-short",
                        ])
                    ], "32 letters and digits"
                ),
                (
                    [
                        Self.rule(target: [
                            "targetType": "webhook", "url": "https://example.com/hook",
                            "customHeaders": [["name": "X-Bz-Secret", "value": "v"]],
                        ])
                    ], "may not start with X-Bz-"
                ),
                (
                    [
                        Self.rule(target: [
                            "targetType": "webhook", "url": "https://example.com/hook",
                            "customHeaders": .array((0..<11).map { ["name": .string("H\($0)"), "value": "v"] }),
                        ])
                    ], "at most 10"
                ),
            ]
            for (rules, message) in refusals {
                let reply = try await Self.set(client, bucketId, rules)
                #expect(reply.status == .badRequest, "\(message): \(reply.status)")
                #expect(reply.message.contains(message), "expected '\(message)' in '\(reply.message)'")
            }
            let stored = try await client.ok("b2_get_bucket_notification_rules", ["bucketId": .string(bucketId)])
            #expect(stored["eventNotificationRules"]?.arrayValue.map { $0["name"] } == ["kept-rule"])
            let overlap = try await Self.set(
                client, bucketId, [Self.rule("wide-rule"), Self.rule("other-rule", prefix: "logs/")])
            #expect(overlap.code == "event_type_overlap")
            // Distinct prefixes, or distinct event types on one prefix, are fine.
            let distinct = try await Self.set(
                client, bucketId,
                [
                    Self.rule("logs-rule", prefix: "logs/"), Self.rule("data-rule", prefix: "data/"),
                    Self.rule("hides-rule", types: ["b2:HideMarkerCreated:*"]),
                ])
            #expect(distinct.status == .ok, "\(distinct.message)")
        }
    }

    @Test("The calls need the notification capabilities and a bucket the key may use")
    func capabilities() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            let account = try await client.authorize().json
            let bucketId = try await client.createBucket("notify-keys")
            let key = try await client.ok(
                "b2_create_key",
                [
                    "accountId": account["accountId"]!, "keyName": "files-only",
                    "capabilities": ["listBuckets", "readFiles", "writeFiles"],
                ])
            var limited = base
            _ = try await limited.authorize(
                keyId: key["applicationKeyId"]!.stringValue!, key: key["applicationKey"]!.stringValue!)
            let set = try await Self.set(limited, bucketId, [Self.rule()])
            #expect(set.status == .unauthorized)
            #expect(set.code == "unauthorized")
            let get = try await limited.call("b2_get_bucket_notification_rules", ["bucketId": .string(bucketId)])
            #expect(get.code == "unauthorized")
            let missing = try await client.call(
                "b2_get_bucket_notification_rules", ["bucketId": "4a48fe8875c6214145260818"])
            #expect(missing.status == .badRequest)
        }
    }
}
