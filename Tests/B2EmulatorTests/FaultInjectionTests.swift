import Testing

@testable import B2Emulator

@Suite("Fault injection")
struct FaultInjectionTests {
    @Test("503 and 429 come with Retry-After, only on the chosen endpoint")
    func statusFaults() async throws {
        let plan = try FaultPlan(parsing: "retry-after=3;503:1@b2_list_buckets;429:1@b2_get_upload_url")
        try await EmulatorHarness.run(configure: { $0.faults = plan }) { base in
            var client = base
            #expect(try await client.authorize().status == .ok)
            let busy = try await client.call("b2_list_buckets", ["accountId": "a"])
            #expect(busy.status == .serviceUnavailable)
            #expect(busy.code == "service_unavailable")
            #expect(busy.headers[.retryAfter] == "3")
            let bucketId = try await client.createBucket("fault-bucket")
            let slow = try await client.call("b2_get_upload_url", ["bucketId": .string(bucketId)])
            #expect(slow.status == .tooManyRequests)
            #expect(slow.headers[.retryAfter] == "3")
        }
    }

    @Test("Expired tokens are injected as 401 expired_auth_token, never on authorize")
    func expired() async throws {
        let plan = try FaultPlan(parsing: "expired:1")
        try await EmulatorHarness.run(configure: { $0.faults = plan }) { (base: B2TestClient) async throws -> Void in
            var client = base
            #expect(try await client.authorize().status == .ok)
            #expect(try await client.call("b2_list_buckets", ["accountId": "a"]).code == "expired_auth_token")
        }
    }

    @Test("Truncated downloads send fewer bytes than Content-Length promised")
    func truncated() async throws {
        let directory = EmulatorHarness.makeDataDirectory()
        let data = B2TestClient.bytes(1_000_000)
        try await EmulatorHarness.run(dataDirectory: directory) { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("trunc-bucket", type: "allPublic")
            #expect(try await client.upload(bucketId: bucketId, name: "t.bin", data: data).status == .ok)
        }
        let plan = try FaultPlan(parsing: "truncate:1@download")
        try await EmulatorHarness.run(dataDirectory: directory, configure: { $0.faults = plan }) {
            (client: B2TestClient) async throws -> Void in
            let raw = RawHTTP.exchange(
                port: client.port, request: Array("GET /file/trunc-bucket/t.bin HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            )
            let (head, body) = RawHTTP.split(raw)
            #expect(head.contains("Content-Length: 1000000"))
            #expect(body.count < data.count)
            #expect(body == Array(data.prefix(body.count)))
        }
    }

    @Test("Dropped connections close without an answer")
    func dropped() async throws {
        let plan = try FaultPlan(parsing: "drop:1@b2_list_buckets")
        try await EmulatorHarness.run(configure: { $0.faults = plan }) { base in
            var client = base
            _ = try await client.authorize()
            let body = #"{"accountId":"a"}"#
            let raw = RawHTTP.exchange(
                port: client.port,
                request: Array(
                    ("POST /b2api/v4/b2_list_buckets HTTP/1.1\r\nHost: x\r\nAuthorization: \(client.token)\r\n"
                        + "Content-Length: \(body.utf8.count)\r\n\r\n" + body).utf8
                )
            )
            #expect(raw.isEmpty)
        }
    }
}
