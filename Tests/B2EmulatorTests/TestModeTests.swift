import B2JSON
import Foundation
import HTTPTypes
import Testing

@testable import B2Emulator

@Suite("X-Bz-Test-Mode: the failures B2 documents for a client's integration tests")
struct TestModeTests {
    static func mode(_ value: String) -> HTTPFields { [TestMode.header: value] }

    @Test("fail_some_uploads fails the first upload in three with 503; the others store their file")
    func failSomeUploads() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("test-mode-bucket")
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<6 {
                let reply = try await client.upload(
                    bucketId: bucketId, name: "f\(index)", data: [UInt8(index)],
                    headers: Self.mode("fail_some_uploads"))
                statuses.append(reply.status)
                if reply.status != .ok { #expect(reply.code == "service_unavailable") }
            }
            #expect(statuses == [.serviceUnavailable, .ok, .ok, .serviceUnavailable, .ok, .ok])
            let names = try await client.ok("b2_list_file_names", ["bucketId": .string(bucketId)])
            #expect(names["files"]?.arrayValue.map { $0["fileName"] } == ["f1", "f2", "f4", "f5"])
            // Without the header nothing fails.
            #expect(try await client.upload(bucketId: bucketId, name: "plain", data: [1]).status == .ok)
        }
    }

    @Test("expire_some_account_authorization_tokens issues a token that expires seconds later; others live on")
    func expireTokens() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            var shortLived = client
            let basic = Data("\(EmulatorHarness.keyId):\(EmulatorHarness.key)".utf8).base64EncodedString()
            let authorized = try await shortLived.send(
                "/b2api/v4/b2_authorize_account", method: .get,
                headers: [
                    .authorization: "Basic \(basic)", TestMode.header: "expire_some_account_authorization_tokens",
                ])
            #expect(authorized.status == .ok)
            shortLived.token = try #require(authorized.json["authorizationToken"]?.stringValue)
            // The emulator's clock moves past the short lifetime (the long token moves it): no waiting.
            _ = try await ReplicationTests.advance(client, seconds: TestMode.shortTokenLifetimeSeconds + 1)
            let expired = try await shortLived.call("b2_list_buckets", ["accountId": "x"])
            #expect(expired.status == .unauthorized)
            #expect(expired.code == "expired_auth_token")
            // A token issued without the header lives as long as ever.
            #expect(try await client.call("b2_list_buckets", ["accountId": "x"]).status == .ok)
        }
    }

    @Test("force_cap_exceeded answers 403 with the cap of the call: storage, download or transaction")
    func forceCapExceeded() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("cap-bucket")
            #expect(try await client.upload(bucketId: bucketId, name: "kept", data: [1]).status == .ok)
            let upload = try await client.upload(
                bucketId: bucketId, name: "refused", data: [2], headers: Self.mode("force_cap_exceeded"))
            #expect(upload.status == .forbidden)
            #expect(upload.code == "storage_cap_exceeded")
            let download = try await client.download(
                bucket: "cap-bucket", name: "kept", headers: Self.mode("force_cap_exceeded"))
            #expect(download.code == "download_cap_exceeded")
            let listing = try await client.send(
                "/b2api/v4/b2_list_buckets",
                headers: [.authorization: client.token, TestMode.header: "force_cap_exceeded"],
                body: JSONValue.object([("accountId", "x")]).byteBuffer())
            #expect(listing.code == "transaction_cap_exceeded")
            let names = try await client.ok("b2_list_file_names", ["bucketId": .string(bucketId)])
            #expect(names["files"]?.arrayValue.map { $0["fileName"] } == ["kept"])
        }
    }

    @Test("An undocumented mode is refused with the modes B2 documents")
    func unknownMode() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let reply = try await client.send(
                "/b2api/v4/b2_list_buckets",
                headers: [.authorization: client.token, TestMode.header: "fail_everything"],
                body: JSONValue.object([("accountId", "x")]).byteBuffer())
            #expect(reply.status == .badRequest)
            #expect(reply.message.contains("fail_some_uploads, expire_some_account_authorization_tokens"))
        }
    }
}
