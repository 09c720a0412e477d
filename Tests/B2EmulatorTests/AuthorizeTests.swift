import Foundation
import Testing

@testable import B2Emulator

@Suite("b2_authorize_account")
struct AuthorizeTests {
    @Test("Each API version answers in its own shape")
    func shapes() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            client.version = 4
            let v4 = try await client.authorize().json
            let storage = try #require(v4["apiInfo"]?["storageApi"])
            #expect(storage["allowed"]?["buckets"] == .null)
            #expect(storage["allowed"]?["capabilities"]?.arrayValue.count == 26)
            #expect(storage["recommendedPartSize"] == .int(5_000_000))
            #expect(storage["apiUrl"]?.stringValue == "http://localhost:\(client.port)")
            #expect(storage["s3ApiUrl"] != nil)

            client.version = 3
            let v3 = try await client.authorize().json
            #expect(v3["apiInfo"]?["storageApi"]?["bucketId"] == .null)
            #expect(v3["apiInfo"]?["storageApi"]?["allowed"] == nil)

            client.version = 2
            let v2 = try await client.authorize().json
            #expect(v2["allowed"]?["bucketName"] == .null)
            #expect(v2["apiUrl"] != nil)
            #expect(v2["apiInfo"] == nil)
        }
    }

    @Test("GET and POST both authorize; a wrong key is 401 unauthorized with an empty message, as B2 answers")
    func methodsAndBadKey() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            let basic = Data("\(EmulatorHarness.keyId):\(EmulatorHarness.key)".utf8).base64EncodedString()
            let post = try await client.send(
                "/b2api/v4/b2_authorize_account", method: .post, headers: [.authorization: "Basic \(basic)"],
                body: .init(string: "{}")
            )
            #expect(post.status == .ok)
            let wrong = try await client.authorize(key: "nope")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.code == "unauthorized")
            #expect(wrong.message == "")
            #expect(wrong.guidance.contains("key id and key"))
            #expect(wrong.headers[.wwwAuthenticate] == "BASIC realm=\"authorize_account\"")
            #expect(wrong.json["status"] == .int(401))
            #expect(wrong.headers[.date] != nil)
        }
    }

    @Test("Calls need a token, a valid one, and an unexpired one")
    func tokenChecks() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            #expect(try await client.call("b2_list_buckets", ["accountId": "a"]).status == .ok)
            var noToken = client
            noToken.token = ""
            #expect(try await noToken.call("b2_list_buckets").code == "missing_auth_token")
            var forged = client
            forged.token = client.token + "0"
            #expect(try await forged.call("b2_list_buckets").code == "bad_auth_token")
        }
        try await EmulatorHarness.run(configure: { $0.tokenLifetimeSeconds = 0 }) { base in
            var client = base
            _ = try await client.authorize()
            let expired = try await client.call("b2_list_buckets", ["accountId": "a"])
            #expect(expired.status == .unauthorized)
            #expect(expired.code == "expired_auth_token")
        }
    }

    @Test("Unknown calls and versions are 404 in B2's error shape")
    func unknownCalls() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let unknown = try await client.call("b2_no_such_call")
            #expect(unknown.status == .notFound)
            #expect(unknown.code == "not_found")
            let badVersion = try await client.send("/b2api/v9/b2_list_buckets")
            #expect(badVersion.status == .notFound)
            let elsewhere = try await client.send("/nothing/here", method: .get)
            #expect(elsewhere.code == "not_found")
        }
    }
}
