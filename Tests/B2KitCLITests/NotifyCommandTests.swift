import B2Kit
import B2SigV4
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import Testing

@testable import B2KitCLI

@Suite("bucket notify list|add|rm|test: a bucket's event notification rules from the command line")
struct NotifyCommandTests {
    static let secret = "abcdefghijklmnopqrstuvwxyz012345"

    @Test("add, list (text and JSON, no secret), a duplicate and an unknown name refused, rm")
    func addListRemove() async throws {
        let directory = temporaryDirectory()
        let inputs = localProfileInputs(in: directory)
        let context = Captured().context(configuration: inputs)
        let bucket = try B2Path.parse("b2://notify-cli-bucket", requireScheme: true)
        try await BucketOperations.make(context, path: bucket, isPublic: false)
        let rule = B2NotificationRule(
            name: "new-uploads", eventTypes: ["b2:ObjectCreated:*"], prefix: "in/", url: "https://hooks.example.com/b2",
            signingSecret: Self.secret, headers: [.init(name: "X-Team", value: "data")], maxEventsPerBatch: 5)
        try await NotificationOperations.add(context, path: bucket, rule: rule)
        await #expect {
            try await NotificationOperations.add(context, path: bucket, rule: rule)
        } throws: { error in
            (error as? B2Error)?.message.contains("already has a notification rule named new-uploads") == true
        }
        let text = Captured()
        try await NotificationOperations.list(text.context(configuration: inputs), path: bucket)
        #expect(text.out.withLock { $0 }.contains("Notification rules for b2://notify-cli-bucket:"))
        #expect(
            text.out.withLock { $0 }.contains(
                "new-uploads: b2:ObjectCreated:* under \"in/\" to https://hooks.example.com/b2 (signed)"))
        let json = Captured()
        try await NotificationOperations.list(json.context(configuration: inputs, json: true), path: bucket)
        let listed = try #require(
            try JSONSerialization.jsonObject(with: Data(json.out.withLock { $0 }.utf8)) as? [[String: Any]])
        #expect(listed.count == 1)
        #expect(listed.first?["maxEventsPerBatch"] as? Int == 5)
        #expect((listed.first?["targetConfiguration"] as? [String: Any])?["signed"] as? Bool == true)
        #expect(!(text.all + json.all).contains(Self.secret))

        await #expect {
            try await NotificationOperations.remove(context, path: bucket, name: "other-rule")
        } throws: { error in
            (error as? B2Error)?.message.contains("has no notification rule named other-rule; it has new-uploads")
                == true
        }
        try await NotificationOperations.remove(context, path: bucket, name: "new-uploads")
        let empty = Captured()
        try await NotificationOperations.list(empty.context(configuration: inputs), path: bucket)
        #expect(empty.out.withLock { $0 } == "No notification rules for b2://notify-cli-bucket\n")
    }

    @Test("test posts a signed b2:TestEvent to the rule's target and reports its answer")
    func testEvent() async throws {
        let received = Mutex<[(String?, [UInt8])]>([])
        let answer = Mutex<HTTPResponse.Status>(.ok)
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            received.withLock {
                $0.append((request.headers[HTTPField.Name(EventNotificationSignature.header)!], Array(buffer: body)))
            }
            return Response(status: answer.withLock { $0 })
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let directory = temporaryDirectory()
            let inputs = localProfileInputs(in: directory)
            let context = Captured().context(configuration: inputs)
            let bucket = try B2Path.parse("b2://notify-test-bucket", requireScheme: true)
            try await BucketOperations.make(context, path: bucket, isPublic: false)
            try await NotificationOperations.add(
                context, path: bucket,
                rule: B2NotificationRule(
                    name: "local-hook", eventTypes: ["b2:ObjectCreated:*"], url: "http://127.0.0.1:\(port)/hook",
                    signingSecret: Self.secret))
            let output = Captured()
            try await NotificationOperations.test(
                output.context(configuration: inputs), path: bucket, name: "local-hook")
            #expect(output.out.withLock { $0 }.contains("took the test event: HTTP 200"))
            let ours = try #require(
                received.withLock { $0 }.last {
                    (try? EventNotification.parse($0.1))?.events.first?.eventType == "b2:TestEvent"
                })
            #expect(EventNotification.verify(body: ours.1, signature: ours.0, secret: Self.secret))
            answer.withLock { $0 = .internalServerError }
            await #expect {
                try await NotificationOperations.test(context, path: bucket, name: "local-hook")
            } throws: { error in
                (error as? B2Error)?.message.contains("answered the test event with HTTP 500") == true
            }
            group.cancelAll()
        }
    }
}
