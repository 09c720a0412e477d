import B2JSON
import B2SigV4
import Crypto
import Foundation
import HTTPTypes
import Testing

@testable import B2Emulator

@Suite("Event notifications: every change is queued with it and delivered, signed, batched and retried")
struct NotificationDeliveryTests {
    static let secret = "0123456789abcdefghijABCDEFGHIJ01"
    static let everything = ["b2:ObjectCreated:*", "b2:ObjectDeleted:*", "b2:HideMarkerCreated:*"]

    static func rule(
        _ url: String, name: String = "all-changes", types: [String] = everything, batch: Int64 = 1,
        secret: String? = NotificationDeliveryTests.secret
    ) -> JSONValue {
        var target: [(String, JSONValue)] = [
            ("targetType", "webhook"), ("url", .string(url)),
            ("customHeaders", [["name": "X-Team", "value": "data"]]),
        ]
        if let secret { target.append(("hmacSha256SigningSecret", .string(secret))) }
        return NotificationRuleTests.rule(name, types: types, target: .object(target), batch: .int(batch))
    }

    /// The `(eventType, objectName)` of events, in order.
    static func kinds(_ events: [JSONValue]) -> [String] {
        events.map { "\($0["eventType"]?.stringValue ?? "?") \($0["objectName"]?.stringValue ?? "-")" }
    }

    @Test("Each upload path, copy, delete and hide, native and S3, sends its event type after the TestEvent")
    func everyPath() async throws {
        try await WebhookReceiver.run { receiver, url in
            try await EmulatorHarness.run { base in
                var client = base
                _ = try await client.authorize()
                let bucketId = try await client.createBucket("events-bucket")
                #expect(try await NotificationRuleTests.set(client, bucketId, [Self.rule(url)]).status == .ok)
                let data = B2TestClient.bytes(20, seed: 4)
                let uploaded = try await client.upload(bucketId: bucketId, name: "native.bin", data: data).json
                let uploadedId = try #require(uploaded["fileId"])
                _ = try await client.ok(
                    "b2_copy_file", ["sourceFileId": uploadedId, "fileName": "native-copy.bin"])
                let largeId = try await CopyPartTests.start(client, bucketId: bucketId, name: "large.bin")
                for (number, range) in [(1, "bytes=0-9"), (2, "bytes=10-19")] {
                    _ = try await client.ok(
                        "b2_copy_part",
                        [
                            "sourceFileId": uploadedId, "largeFileId": .string(largeId),
                            "partNumber": .int(Int64(number)),
                            "range": .string(range),
                        ])
                }
                _ = try await client.ok(
                    "b2_finish_large_file",
                    [
                        "fileId": .string(largeId),
                        "partSha1Array": [
                            .string(B2TestClient.sha1(Array(data[..<10]))),
                            .string(B2TestClient.sha1(Array(data[10...]))),
                        ],
                    ])
                _ = try await client.ok("b2_hide_file", ["bucketId": .string(bucketId), "fileName": "native-copy.bin"])
                _ = try await client.ok(
                    "b2_delete_file_version", ["fileId": uploadedId, "fileName": "native.bin"])

                let s3 = try await S3TestClient.make(client)
                let put = try await s3.send(.put, "/events-bucket/s3.bin", body: [1, 2, 3])
                _ = try await s3.send(
                    .put, "/events-bucket/s3-copy.bin", headers: [S3Headers.copySource: "/events-bucket/s3.bin"])
                let created = try await s3.send(.post, "/events-bucket/s3-multi.bin", query: [("uploads", "")])
                let uploadId = try #require(created.xml?.child("UploadId")?.text)
                let part = try await s3.send(
                    .put, "/events-bucket/s3-multi.bin", query: [("partNumber", "1"), ("uploadId", uploadId)], body: [9]
                )
                let eTag = try #require(part.headers[.eTag])
                _ = try await s3.send(
                    .post, "/events-bucket/s3-multi.bin", query: [("uploadId", uploadId)],
                    body: Array(
                        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\(eTag)</ETag></Part></CompleteMultipartUpload>"
                            .utf8))
                _ = try await s3.send(.delete, "/events-bucket/s3-copy.bin")
                let putId = try #require(put.headers[S3Headers.versionId])
                _ = try await s3.send(.delete, "/events-bucket/s3.bin", query: [("versionId", putId)])

                let expected = [
                    "b2:TestEvent -", "b2:ObjectCreated:Upload native.bin", "b2:ObjectCreated:Copy native-copy.bin",
                    "b2:ObjectCreated:MultipartUpload large.bin", "b2:HideMarkerCreated:Hide native-copy.bin",
                    "b2:ObjectDeleted:Delete native.bin", "b2:ObjectCreated:Upload s3.bin",
                    "b2:ObjectCreated:Copy s3-copy.bin", "b2:ObjectCreated:MultipartUpload s3-multi.bin",
                    "b2:HideMarkerCreated:Hide s3-copy.bin", "b2:ObjectDeleted:Delete s3.bin",
                ]
                let events = try await receiver.waitForEvents(expected.count)
                #expect(Self.kinds(events) == expected)
                let upload = try #require(events.dropFirst().first)
                #expect(upload["objectVersionId"] == uploadedId)
                #expect(upload["objectSize"] == 20)
                #expect(upload["bucketName"] == "events-bucket")
                #expect(upload["bucketId"] == .string(bucketId))
                #expect(upload["matchedRuleName"] == "all-changes")
                #expect(upload["eventVersion"] == 1)
                #expect(upload["accountId"]?.stringValue?.isEmpty == false)
                #expect(Set(events.compactMap { $0["eventId"]?.stringValue }).count == events.count)
                // A queued event leaves the outbox once delivered.
                let advanced = try await ReplicationTests.advance(client, seconds: 0)
                #expect(advanced["notifications"]?["delivered"] == 0)
            }
        }
    }

    @Test("Deliveries are signed with the rule's secret over the raw body, and carry its custom headers")
    func signatures() async throws {
        try await WebhookReceiver.run { receiver, url in
            try await EmulatorHarness.run { base in
                var client = base
                _ = try await client.authorize()
                let bucketId = try await client.createBucket("signed-bucket")
                let rules = [
                    Self.rule(url, name: "signed-rule", types: ["b2:ObjectCreated:*"]),
                    Self.rule(url, name: "unsigned-rule", types: ["b2:ObjectDeleted:*"], secret: nil),
                ]
                #expect(try await NotificationRuleTests.set(client, bucketId, rules).status == .ok)
                let file = try await client.upload(bucketId: bucketId, name: "a.txt", data: [1]).json
                _ = try await client.ok("b2_delete_file_version", ["fileId": file["fileId"]!, "fileName": "a.txt"])
                _ = try await receiver.waitForEvents(4)
                let name = HTTPField.Name(EventNotificationSignature.header)!
                for delivery in receiver.deliveries {
                    #expect(delivery.headers[HTTPField.Name("X-Team")!] == "data")
                    #expect(delivery.headers[.contentType] == "application/json")
                    let rule = delivery.events.first?["matchedRuleName"]?.stringValue
                    guard rule == "signed-rule" else {
                        #expect(delivery.headers[name] == nil)
                        continue
                    }
                    let mac = HMAC<SHA256>.authenticationCode(
                        for: delivery.body, using: SymmetricKey(data: Array(Self.secret.utf8)))
                    #expect(delivery.headers[name] == "v1=" + Hex.string(mac))
                }
                #expect(receiver.deliveries.map { $0.headers[name] != nil }.filter { $0 }.count == 2)
            }
        }
    }

    @Test("A failing target is retried after a delay, in order, in batches up to maxEventsPerBatch")
    func retriesAndBatches() async throws {
        try await WebhookReceiver.run { receiver, url in
            try await EmulatorHarness.run { base in
                var client = base
                _ = try await client.authorize()
                let bucketId = try await client.createBucket("retry-bucket")
                receiver.answer(.internalServerError)
                let rule = Self.rule(url, types: ["b2:ObjectCreated:*"], batch: 3)
                #expect(try await NotificationRuleTests.set(client, bucketId, [rule]).status == .ok)
                _ = try await receiver.waitForEvents(1)
                for index in 0..<7 {
                    _ = try await client.upload(bucketId: bucketId, name: "f\(index)", data: [UInt8(index)])
                }
                receiver.answer(.ok)
                // Each advance makes the waiting retry due at once.
                for _ in 0..<10 where receiver.acceptedEvents.count < 8 {
                    _ = try await ReplicationTests.advance(client, seconds: 61)
                    try await receiver.waitUntil(seconds: 1) { receiver.acceptedEvents.count >= 8 }
                }
                #expect(receiver.deliveries.first?.status == .internalServerError)
                // Every event once, oldest first, though the first attempts were refused.
                #expect(
                    Self.kinds(receiver.acceptedEvents)
                        == ["b2:TestEvent -"] + (0..<7).map { "b2:ObjectCreated:Upload f\($0)" })
                let sizes = receiver.deliveries.filter { $0.status == .ok }.map(\.events.count)
                #expect(sizes.allSatisfy { $0 <= 3 } && sizes.contains(3), "\(sizes)")
            }
        }
    }

    @Test("After repeated failures the rule is suspended with the reason; a changed rule resumes, nothing lost")
    func suspension() async throws {
        try await WebhookReceiver.run { receiver, url in
            try await EmulatorHarness.run { base in
                var client = base
                _ = try await client.authorize()
                let bucketId = try await client.createBucket("suspend-bucket")
                receiver.answer(.serviceUnavailable)
                #expect(try await NotificationRuleTests.set(client, bucketId, [Self.rule(url)]).status == .ok)
                _ = try await client.upload(bucketId: bucketId, name: "kept.txt", data: [1])
                func stored() async throws -> JSONValue? {
                    try await client.ok("b2_get_bucket_notification_rules", ["bucketId": .string(bucketId)])[
                        "eventNotificationRules"]?.arrayValue.first
                }
                for _ in 0..<20 where try await stored()?["isSuspended"] != true {
                    _ = try await ReplicationTests.advance(client, seconds: 61)
                    try await receiver.waitUntil(seconds: 0.5) { try await stored()?["isSuspended"] == true }
                }
                let rule = try #require(try await stored())
                #expect(rule["isSuspended"] == true)
                #expect(rule["suspensionReason"]?.stringValue?.contains("HTTP 503") == true, "\(rule)")
                let attempts = receiver.deliveries.count
                #expect(attempts == NotificationDelivery.attemptsBeforeSuspension)
                _ = try await ReplicationTests.advance(client, seconds: 61)
                #expect(receiver.deliveries.count == attempts)
                // The same rule again stays suspended; a changed one (here a fixed target) resumes.
                _ = try await NotificationRuleTests.set(client, bucketId, [Self.rule(url)])
                #expect(try await stored()?["isSuspended"] == true)
                receiver.answer(.ok)
                _ = try await NotificationRuleTests.set(client, bucketId, [Self.rule(url + "?fixed=1")])
                #expect(try await stored()?["isSuspended"] == false)
                _ = try await ReplicationTests.advance(client, seconds: 61)
                try await receiver.waitUntil { receiver.acceptedEvents.count >= 2 }
                #expect(
                    Self.kinds(receiver.acceptedEvents) == ["b2:TestEvent -", "b2:ObjectCreated:Upload kept.txt"])
            }
        }
    }

    @Test("--faults drop@notification fails deliveries without sending them; delay holds them and they arrive")
    func injectedFaults() async throws {
        try await WebhookReceiver.run { receiver, url in
            let dropped = try FaultPlan(parsing: "drop:1@notification")
            try await EmulatorHarness.run(configure: { $0.faults = dropped }) { base in
                var client = base
                _ = try await client.authorize()
                let bucketId = try await client.createBucket("dropped-bucket")
                #expect(try await NotificationRuleTests.set(client, bucketId, [Self.rule(url)]).status == .ok)
                let advanced = try await ReplicationTests.advance(client, seconds: 61)
                #expect(advanced["notifications"]?["delivered"] == 0)
                #expect(receiver.deliveries.isEmpty)
            }
            let delayed = try FaultPlan(parsing: "delay-ms=50;delay:1@notification")
            #expect(delayed.delayMilliseconds == 50)
            try await EmulatorHarness.run(configure: { $0.faults = delayed }) { base in
                var client = base
                _ = try await client.authorize()
                let bucketId = try await client.createBucket("delayed-bucket")
                #expect(try await NotificationRuleTests.set(client, bucketId, [Self.rule(url)]).status == .ok)
                #expect(Self.kinds(try await receiver.waitForEvents(1)) == ["b2:TestEvent -"])
            }
        }
    }

    @Test("Only matching rules get an event: prefixes and event types decide, disabled rules get none")
    func matching() async throws {
        try await WebhookReceiver.run { receiver, url in
            try await EmulatorHarness.run { base in
                var client = base
                _ = try await client.authorize()
                let bucketId = try await client.createBucket("match-bucket")
                let logs = NotificationRuleTests.rule(
                    "logs-only", types: ["b2:ObjectCreated:Upload"], prefix: "logs/",
                    target: ["targetType": "webhook", "url": .string(url)])
                var disabled = NotificationRuleTests.rule(
                    "disabled-rule", types: ["b2:ObjectDeleted:*"],
                    target: ["targetType": "webhook", "url": .string(url)])
                if case .object(var members) = disabled {
                    members = members.map { $0.0 == "isEnabled" ? ("isEnabled", false) : $0 }
                    disabled = .object(members)
                }
                #expect(try await NotificationRuleTests.set(client, bucketId, [logs, disabled]).status == .ok)
                let outside = try await client.upload(bucketId: bucketId, name: "data/a", data: [1]).json
                _ = try await client.upload(bucketId: bucketId, name: "logs/b", data: [2])
                _ = try await client.ok("b2_delete_file_version", ["fileId": outside["fileId"]!, "fileName": "data/a"])
                _ = try await client.upload(bucketId: bucketId, name: "logs/c", data: [3])
                let events = try await receiver.waitForEvents(3)
                try await Task.sleep(for: .milliseconds(200))
                #expect(
                    Self.kinds(receiver.events)
                        == ["b2:TestEvent -", "b2:ObjectCreated:Upload logs/b", "b2:ObjectCreated:Upload logs/c"],
                    "\(events)")
            }
        }
    }
}
