import B2Kit
import B2SigV4
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import B2Service

@Suite("Service: events syncs and their hook route")
struct HookTests {
    static let secret = "HookSecret0123456789abcdefghijkl"

    /// Posts a delivery to the hook, signed with `secret` (unsigned when nil); no bearer token.
    static func deliver(_ world: ServiceWorld, sync: String, body: [UInt8], secret: String?) async throws
        -> (status: Int, json: [String: Any])
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let secret {
            headers[HTTPField.Name(EventNotificationSignature.header)!] = EventNotificationSignature.value(
                body: body, secret: secret)
        }
        let response = try await world.client.execute(
            uri: "/v1/hooks/\(sync)", method: .post, headers: headers, body: ByteBuffer(bytes: body))
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    static func body(bucket: String, name: String, id: String) -> [UInt8] {
        Array(
            """
            {"events":[{"accountId":"a","bucketId":"b","bucketName":"\(bucket)","eventId":"\(id)","eventTimestamp":1,\
            "eventType":"b2:ObjectCreated:Upload","eventVersion":1,"matchedRuleName":"r","objectName":"\(name)",\
            "objectSize":1,"objectVersionId":"4_z"}]}
            """.utf8)
    }

    @Test("An events sync needs a hook secret, never shows it, and runs when a signed delivery names an object")
    func signedDeliveryRuns() async throws {
        try await ServiceWorld.run { world in
            let bucket = try await world.b2.createBucket(named: "svc-hooks")
            let (connection, _) = try await world.connection()
            let fields =
                #""connection_id":"\#(connection)","source_path":"b2://svc-hooks/in","destination":"\#(world.root)/hooked","sync_mode":"events","polling_interval_seconds":3600"#
            let missing = try await world.call(.post, "/v1/syncs", json: "{\(fields)}")
            #expect(missing.status == 422 && missing.body.contains("hook_secret"), "\(missing.body)")
            let short = try await world.call(.post, "/v1/syncs", json: #"{\#(fields),"hook_secret":"short"}"#)
            #expect(short.status == 422)
            let created = try await world.call(
                .post, "/v1/syncs", json: #"{\#(fields),"hook_secret":"\#(Self.secret)"}"#)
            #expect(created.status == 201, "\(created.body)")
            let sync = try #require(created.json["id"] as? String)
            #expect(created.json["hook_path"] as? String == "/v1/hooks/\(sync)")
            #expect(!created.body.contains(Self.secret))
            let shown = try await world.call(.get, "/v1/syncs/\(sync)")
            #expect(!shown.body.contains(Self.secret) && shown.json["sync_mode"] as? String == "events")
            // The first full run comes from the scheduler; wait for it to end.
            _ = try await world.newestRun(sync: sync)
            for _ in 0..<600 where try await world.store.activeRun(syncId: sync) != nil {
                try await Task.sleep(for: .milliseconds(20))
            }

            try await world.b2.upload(.bytes(ByteBuffer(string: "arrived")), to: bucket, as: "in/new.txt")
            try await world.b2.upload(.bytes(ByteBuffer(string: "unannounced")), to: bucket, as: "in/other.txt")
            let body = Self.body(bucket: "svc-hooks", name: "in/new.txt", id: "ev-1")
            #expect(
                try await Self.deliver(world, sync: sync, body: body, secret: "0" + Self.secret.dropFirst()).status
                    == 401)
            #expect(try await Self.deliver(world, sync: sync, body: body, secret: nil).status == 401)
            #expect(
                try await Self.deliver(world, sync: sync, body: Array(#"{"events":7}"#.utf8), secret: Self.secret)
                    .status == 400)
            #expect(try await Self.deliver(world, sync: "sync_unknown", body: body, secret: Self.secret).status == 404)
            #expect(!FileManager.default.fileExists(atPath: world.root + "/hooked/new.txt"))
            let accepted = try await Self.deliver(world, sync: sync, body: body, secret: Self.secret)
            #expect(accepted.status == 202)
            #expect(accepted.json["trigger"] as? String == "event")
            #expect(accepted.json["object_names"] as? [String] == ["in/new.txt"])
            let runId = try #require(accepted.json["id"] as? String)
            var run: RunRecord?
            for _ in 0..<600 {
                run = try await world.store.run(id: runId)
                if run?.isActive == false { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(run?.status == .succeeded)
            // The run was limited to the delivery's name: the object no event named waits for a full run.
            #expect(run?.copied == 1)
            #expect(try String(contentsOfFile: world.root + "/hooked/new.txt", encoding: .utf8) == "arrived")
            #expect(!FileManager.default.fileExists(atPath: world.root + "/hooked/other.txt"))
        }
    }
}
