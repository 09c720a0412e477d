import B2JSON
import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import B2Emulator

@Suite("GET /metrics counts calls per B2 billing class (A, B, C) and API")
struct TransactionMetricsTests {
    /// The counters `/metrics` shows, by `class/api`.
    static func counters(_ client: B2TestClient) async throws -> [String: Int] {
        let reply = try await client.send("/metrics", method: .get)
        #expect(reply.status == .ok)
        #expect(reply.headers[.contentType]?.hasPrefix("text/plain") == true)
        var counts: [String: Int] = [:]
        for line in String(buffer: reply.body).split(separator: "\n") where line.hasPrefix("b2_emulator_transactions") {
            let labels = line.split(separator: "\"")
            guard labels.count >= 4, let value = line.split(separator: " ").last.flatMap({ Int($0) }) else { continue }
            counts["\(labels[1])/\(labels[3])"] = value
        }
        return counts
    }

    @Test("Each native and S3 call is counted once in its class; the emulator's own endpoints are not")
    func counts() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            #expect(
                try await Self.counters(client)
                    == ["A/native": 0, "B/native": 0, "C/native": 0, "A/s3": 0, "B/s3": 0, "C/s3": 0])
            _ = try await client.authorize()  // C
            let bucketId = try await client.createBucket("metrics-bucket")  // C
            // b2_get_upload_url (A) and b2_upload_file (A).
            #expect(try await client.upload(bucketId: bucketId, name: "one", data: [1]).status == .ok)
            #expect(try await client.download(bucket: "metrics-bucket", name: "one").status == .ok)  // B
            #expect(try await client.download(bucket: "metrics-bucket", name: "missing").status == .notFound)  // B
            _ = try await client.ok("b2_list_file_names", ["bucketId": .string(bucketId)])  // C
            _ = try await ReplicationTests.advance(client, seconds: 1)  // not a B2 call
            let s3 = try await S3TestClient.make(client)  // b2_create_key: C
            #expect(try await s3.send(.put, "/metrics-bucket/two", body: [2]).status == .ok)  // A
            #expect(try await s3.send(.get, "/metrics-bucket/two").status == .ok)  // B
            #expect(try await s3.send(.head, "/metrics-bucket/two").status == .ok)  // B
            let copied = try await s3.send(
                .put, "/metrics-bucket/three", headers: [S3Headers.copySource: "/metrics-bucket/two"])
            #expect(copied.status == .ok)  // C
            #expect(try await s3.send(.get, "/metrics-bucket", query: [("list-type", "2")]).status == .ok)  // C
            #expect(try await s3.send(.delete, "/metrics-bucket/two").status == .noContent)  // A
            #expect(
                try await Self.counters(client)
                    == ["A/native": 2, "B/native": 2, "C/native": 4, "A/s3": 2, "B/s3": 2, "C/s3": 2])
        }
    }
}
