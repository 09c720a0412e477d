import B2JSON
import HTTPTypes
import Testing

@testable import B2Emulator

@Suite("CORS rules: validated as B2 does, answering preflights and decorating responses")
struct CorsTests {
    static let rule: JSONValue = [
        "corsRuleName": "downloads", "allowedOrigins": ["https://app.example.com"],
        "allowedOperations": ["b2_download_file_by_name", "s3_get"], "allowedHeaders": ["range", "x-bz-*"],
        "exposeHeaders": ["x-bz-content-sha1"], "maxAgeSeconds": 3600,
    ]

    static func preflight(
        _ client: B2TestClient, _ path: String, origin: String, method: String = "GET", headers: String? = nil
    ) async throws -> B2Reply {
        var fields: HTTPFields = [
            HTTPField.Name("Origin")!: origin, HTTPField.Name("Access-Control-Request-Method")!: method,
        ]
        if let headers { fields[HTTPField.Name("Access-Control-Request-Headers")!] = headers }
        return try await client.send(path, method: .options, headers: fields)
    }

    @Test("Bad rules are refused with what to fix, and nothing is stored")
    func validation() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let refusals: [(JSONValue, String)] = [
                (
                    [
                        "corsRuleName": "web", "allowedOrigins": ["*"], "allowedOperations": ["s3_get"],
                        "maxAgeSeconds": 1,
                    ],
                    "corsRuleName must be 6 to 50"
                ),
                (
                    [
                        "corsRuleName": "web-app", "allowedOrigins": [], "allowedOperations": ["s3_get"],
                        "maxAgeSeconds": 1,
                    ],
                    "allowedOrigins must be a non-empty"
                ),
                (
                    [
                        "corsRuleName": "web-app", "allowedOrigins": ["ftp://x"], "allowedOperations": ["s3_get"],
                        "maxAgeSeconds": 1,
                    ], "origin ftp://x must be"
                ),
                (
                    [
                        "corsRuleName": "web-app", "allowedOrigins": ["*"], "allowedOperations": ["s3_fly"],
                        "maxAgeSeconds": 1,
                    ], "s3_fly is not an operation"
                ),
                (
                    [
                        "corsRuleName": "web-app", "allowedOrigins": ["*"], "allowedOperations": ["s3_get"],
                        "maxAgeSeconds": 90000,
                    ], "maxAgeSeconds from 0 to 86400"
                ),
            ]
            let bucketId = try await client.createBucket("cors-checked")
            for (rule, message) in refusals {
                let reply = try await client.call(
                    "b2_update_bucket", ["accountId": "x", "bucketId": .string(bucketId), "corsRules": [rule]])
                #expect(reply.code == "bad_request", "\(rule)")
                #expect(reply.message.contains(message), "\(reply.message)")
            }
            let twice = try await client.call(
                "b2_update_bucket",
                ["accountId": "x", "bucketId": .string(bucketId), "corsRules": [Self.rule, Self.rule]])
            #expect(twice.message.contains("names must be unique"))
            let listed = try await client.ok("b2_list_buckets", ["accountId": "x", "bucketId": .string(bucketId)])
            #expect(listed["buckets"]?.arrayValue.first?["corsRules"] == [])
        }
    }

    @Test("Preflights are answered for allowed origins, operations and headers, refused otherwise")
    func preflights() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucket = try await client.ok(
                "b2_create_bucket",
                ["accountId": "x", "bucketName": "cors-bucket", "bucketType": "allPublic", "corsRules": [Self.rule]])
            #expect(bucket["corsRules"]?.arrayValue.first?["corsRuleName"] == "downloads")
            _ = try await client.upload(bucketId: bucket["bucketId"]!.stringValue!, name: "a.txt", data: [1, 2])

            let allowed = try await Self.preflight(
                client, "/file/cors-bucket/a.txt", origin: "https://app.example.com", headers: "Range, X-Bz-Test")
            #expect(allowed.status == .ok)
            #expect(allowed.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == "https://app.example.com")
            #expect(allowed.headers[HTTPField.Name("Access-Control-Allow-Methods")!] == "GET")
            #expect(allowed.headers[HTTPField.Name("Access-Control-Allow-Headers")!] == "range, x-bz-test")
            #expect(allowed.headers[HTTPField.Name("Access-Control-Max-Age")!] == "3600")
            #expect(
                try await Self.preflight(client, "/cors-bucket/a.txt", origin: "https://app.example.com").status == .ok)

            for (path, origin, method, headers) in [
                ("/file/cors-bucket/a.txt", "https://evil.example.com", "GET", nil),
                ("/file/cors-bucket/a.txt", "https://app.example.com", "GET", "authorization"),
                ("/cors-bucket/a.txt", "https://app.example.com", "PUT", nil),
            ] as [(String, String, String, String?)] {
                let refused = try await Self.preflight(client, path, origin: origin, method: method, headers: headers)
                #expect(refused.status == .forbidden, "\(path) \(origin) \(method)")
                #expect(refused.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == nil)
            }

            // The download itself carries the origin and the exposed headers; another origin gets neither.
            let download = try await client.download(
                bucket: "cors-bucket", name: "a.txt", headers: [HTTPField.Name("Origin")!: "https://app.example.com"])
            #expect(download.status == .ok)
            #expect(download.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == "https://app.example.com")
            #expect(download.headers[HTTPField.Name("Access-Control-Expose-Headers")!] == "x-bz-content-sha1")
            let other = try await client.download(
                bucket: "cors-bucket", name: "a.txt", headers: [HTTPField.Name("Origin")!: "https://evil.example.com"])
            #expect(other.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == nil)
        }
    }
}
