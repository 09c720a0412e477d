import B2JSON
import NIOCore
import Testing

@testable import B2Emulator

@Suite("Wire formats")
struct ProtocolTests {
    @Test("JSON parses what clients send, nulls included")
    func jsonParse() throws {
        let value = try JSONValue.parse(
            ByteBuffer(
                string: #"{"bucketId": "b", "prefix": null, "maxFileCount": 10000, "x": [1.5, true, "\u00e9\n"]}"#)
        )
        #expect(value["bucketId"] == "b")
        #expect(value["prefix"] == .null)
        #expect(value["maxFileCount"] == .int(10000))
        #expect(value["x"] == [.double(1.5), true, "é\n"])
        #expect(try JSONValue.parse(ByteBuffer(string: "")) == .object([]))
    }

    @Test(
        "Malformed JSON is bad_json",
        arguments: ["{", "{\"a\":}", "[1,]", "{\"a\":1}x", "nul", "\"\\q\"", "{\"a\": \"\u{01}\"}", "1e999"]
    )
    func jsonMalformed(text: String) {
        #expect { try JSONValue.parse(ByteBuffer(string: text)) } throws: { error in
            (error as? B2APIError)?.code == "bad_json"
        }
    }

    @Test("JSON serialises with explicit nulls and escapes control characters")
    func jsonSerialise() {
        let value: JSONValue = ["a": nil, "b": "q\"\\\u{01}é", "c": [1, false]]
        #expect(value.serialized() == #"{"a":null,"b":"q\"\\\u0001é","c":[1,false]}"#)
    }

    @Test("Call parameters treat null as absent and name the wrong field")
    func callParameters() throws {
        let parameters = try CallParameters(json: ["bucketId": "b", "startFileName": nil, "maxFileCount": "ten"])
        #expect(try parameters.string("bucketId") == "b")
        #expect(try parameters.optionalString("startFileName") == nil)
        #expect { try parameters.optionalInt("maxFileCount") } throws: { error in
            (error as? B2APIError)?.message.contains("maxFileCount must be an integer") == true
        }
        #expect { try parameters.string("fileName") } throws: { error in
            (error as? B2APIError)?.message == "Required field fileName is missing"
        }
        #expect(throws: B2APIError.self) { try CallParameters(json: [1, 2]) }
    }

    @Test(
        "Bucket names follow B2's rules",
        arguments: [
            ("my-bucket", true), ("abcdef", true), ("ABCdef-123", true), ("short", false), ("b2-bucket", false),
            ("has_underscore", false), ("has.dot.bucket", false), (String(repeating: "a", count: 63), true),
            (String(repeating: "a", count: 64), false), ("caf\u{E9}bucket", false),
        ]
    )
    func bucketNames(name: String, valid: Bool) {
        #expect(((try? NameRules.checkBucketName(name)) != nil) == valid)
    }

    @Test(
        "File names follow B2's rules",
        arguments: [
            ("a", true), ("dir/héllo wörld+plus%.txt", true), ("", false), ("tab\there", false), ("del\u{7F}", false),
            (String(repeating: "é", count: 512), true), (String(repeating: "é", count: 513), false),
        ]
    )
    func fileNames(name: String, valid: Bool) {
        #expect(((try? NameRules.checkFileName(name)) != nil) == valid)
    }

    @Test("Tokens round-trip and reject tampering")
    func tokens() {
        let signer = TokenSigner(secret: "s")
        let token = AuthToken(keyId: "k1", scope: .download(bucketId: "b", prefix: "a.b/ü"), expiresAt: 42)
        let text = signer.issue(token)
        #expect(signer.verify(text) == token)
        #expect(TokenSigner(secret: "other").verify(text) == nil)
        #expect(signer.verify(text.replacingOccurrences(of: "k1", with: "k2")) == nil)
        #expect(signer.verify("garbage") == nil)
    }

    @Test("Ranges resolve like HTTP's, and outside ones are 416")
    func ranges() throws {
        #expect(try ByteRange.resolve("bytes=0-9", length: 100) == 0...9)
        #expect(try ByteRange.resolve("bytes=90-", length: 100) == 90...99)
        #expect(try ByteRange.resolve("bytes=-10", length: 100) == 90...99)
        #expect(try ByteRange.resolve("bytes=95-200", length: 100) == 95...99)
        #expect(try ByteRange.resolve("items=1-2", length: 100) == nil)
        #expect(try ByteRange.resolve(nil, length: 100) == nil)
        #expect { try ByteRange.resolve("bytes=100-", length: 100) } throws: { error in
            (error as? B2APIError)?.status == .rangeNotSatisfiable
        }
    }

    @Test("Listing folders collapse names at the delimiter, after the prefix")
    func folders() {
        let query = ListingQuery(bucketId: "b", prefix: "photos/", delimiter: "/", maxCount: 10)
        #expect(query.entry(for: "photos/cats/fluffy.jpg") == ("photos/cats/", true))
        #expect(query.entry(for: "photos/alice.jpg") == ("photos/alice.jpg", false))
        #expect(EmulatorState.successor(ofFolder: "photos/cats/") == "photos/cats0")
    }
}

@Suite("Fault plans")
struct FaultPlanTests {
    @Test("A spec parses into rules")
    func parse() throws {
        let plan = try FaultPlan(parsing: "seed=7; retry-after=3; 503:0.5; 429:0.25@b2_get_upload_url+download")
        #expect(plan.seed == 7)
        #expect(plan.retryAfterSeconds == 3)
        #expect(plan.rules.count == 2)
        #expect(
            plan.rules[1] == .init(kind: .tooManyRequests, rate: 0.25, endpoints: ["b2_get_upload_url", "download"]))
    }

    @Test(
        "Bad specs say what is wrong",
        arguments: ["", "seed=x;503:1", "404:0.1", "503:2", "503", "retry-after=-1;500:1"])
    func parseErrors(spec: String) {
        #expect(throws: FaultPlan.ParseError.self) { try FaultPlan(parsing: spec) }
    }

    @Test("The same seed injects the same faults; the rate is honoured")
    func deterministic() throws {
        let plan = try FaultPlan(parsing: "seed=11;500:0.3")
        let first = FaultInjector(plan: plan)
        let second = FaultInjector(plan: plan)
        let a = (0..<1000).map { _ in first.draw(endpoint: "b2_list_buckets", isDownload: false) }
        let b = (0..<1000).map { _ in second.draw(endpoint: "b2_list_buckets", isDownload: false) }
        #expect(a == b)
        let hits = a.filter { $0 == .internalError }.count
        #expect((200...400).contains(hits))
    }

    @Test("Rules apply only to their endpoints, and truncation only to downloads")
    func scoping() throws {
        let injector = FaultInjector(plan: try FaultPlan(parsing: "503:1@b2_upload_file;truncate:1"))
        #expect(injector.draw(endpoint: "b2_upload_file", isDownload: false) == .serviceUnavailable)
        #expect(injector.draw(endpoint: "b2_list_buckets", isDownload: false) == nil)
        #expect(injector.draw(endpoint: "download", isDownload: true) == .truncateBody)
    }
}
