import AsyncHTTPClient
import B2SigV4
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import B2Kit

/// Answers requests from a script, recording what was sent.
final class ScriptedTransport: B2Transport {
    struct Answer: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: String = ""
    }

    private let state: Mutex<(answers: [Answer], sent: [HTTPClientRequest])>

    init(_ answers: [Answer]) { state = Mutex((answers, [])) }

    var sent: [HTTPClientRequest] { state.withLock { $0.sent } }

    func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse {
        let answer = state.withLock { state in
            state.sent.append(request)
            return state.answers.isEmpty ? Answer(status: 500) : state.answers.removeFirst()
        }
        var headers = HTTPHeaders()
        for (name, value) in answer.headers { headers.add(name: name, value: value) }
        return HTTPClientResponse(
            status: HTTPResponseStatus(statusCode: answer.status), headers: headers,
            body: .bytes(ByteBuffer(string: answer.body)))
    }
}

@Suite("S3 errors become actionable B2Errors")
struct S3ErrorTests {
    static let keyId = "004a1b2c3d4e5f60000000001"
    static let secret = "K004SecretThatMustNeverShow"

    static func client(_ transport: ScriptedTransport, endpoint: String = "https://s3.us-west-004.backblazeb2.com")
        throws -> S3Client
    {
        try S3Client(
            endpoint: endpoint, region: "us-west-004",
            credentials: SigV4Credentials(accessKeyId: keyId, secretAccessKey: secret), transport: transport,
            retryPolicy: RetryPolicy(maximumAttempts: 3, jitter: { 0 }, sleep: { _ in }),
            now: { SigV4Timestamp(amzDate: "20251104T101500Z")!.date })
    }

    static func errorXML(_ code: String, _ message: String, extra: String = "") -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>\(message)</Message>\(extra)"
            + "<RequestId>req-\(code)</RequestId></Error>"
    }

    static func failure(
        _ answer: ScriptedTransport.Answer, endpoint: String = "https://s3.us-west-004.backblazeb2.com",
        operation: (S3Client) async throws -> Void
    ) async throws -> B2Error {
        let client = try client(ScriptedTransport([answer]), endpoint: endpoint)
        do {
            try await operation(client)
        } catch let error as B2Error {
            #expect(!error.description.contains(secret))
            return error
        }
        Issue.record("the call did not fail")
        return B2Error(.server, "")
    }

    @Test("a region mismatch names the right regional endpoint")
    func wrongRegion() async throws {
        let error = try await Self.failure(
            .init(
                status: 400,
                body: Self.errorXML(
                    "AuthorizationHeaderMalformed",
                    "The authorization header is malformed; the region 'us-west-004' is wrong; expecting "
                        + "'eu-central-003'"))
        ) { try await $0.deleteObject(bucket: "b", key: "k") }
        #expect(error.code == .configuration)
        #expect(error.context.s3Code == "AuthorizationHeaderMalformed")
        #expect(error.context.requestId == "req-AuthorizationHeaderMalformed")
        #expect(error.message.contains("https://s3.eu-central-003.backblazeb2.com"))
        #expect(error.message.contains("region eu-central-003"))
    }

    @Test("a region mismatch from a non-B2 server (the emulator) also says which region to sign for")
    func wrongRegionOnEmulator() async throws {
        let error = try await Self.failure(
            .init(
                status: 400,
                body: Self.errorXML("AuthorizationHeaderMalformed", "x", extra: "<Region>us-east-005</Region>")),
            endpoint: "http://127.0.0.1:9000"
        ) { try await $0.deleteObject(bucket: "b", key: "k") }
        #expect(error.message.contains("https://s3.us-east-005.backblazeb2.com"))
        #expect(error.message.contains("http://127.0.0.1:9000, sign for region us-east-005"))
    }

    @Test("B2's undocumented malformed-scope wording still points at b2kit account")
    func malformedScopeWithoutRegion() async throws {
        let error = try await Self.failure(
            .init(
                status: 400,
                body: Self.errorXML(
                    "AuthorizationHeaderMalformed",
                    "Authorization header is malformed; the authorization component "
                        + "\"/20240926/us-east-005/s3/aws4_request\" is malformed."))
        ) { try await $0.deleteObject(bucket: "b", key: "k") }
        #expect(error.code == .configuration)
        #expect(error.message.contains("b2kit account"))
        #expect(error.message.contains("us-west-004"))
    }

    @Test("InvalidAccessKeyId explains that the master key is not accepted on S3 and how to make an application key")
    func masterKey() async throws {
        let error = try await Self.failure(
            .init(status: 403, body: Self.errorXML("InvalidAccessKeyId", "Malformed Access Key Id"))
        ) { _ = try await $0.listBuckets() }
        #expect(error.code == .badCredentials)
        #expect(error.context.s3Code == "InvalidAccessKeyId")
        #expect(error.message.contains("master key is not accepted on the S3 API"))
        #expect(error.message.contains("b2 key create"))
        #expect(error.message.contains(Self.keyId))
    }

    @Test("ListBuckets denied to a restricted key names listAllBucketNames; other denials do not")
    func listAllBucketNames() async throws {
        let denied = Self.errorXML("AccessDenied", "not entitled")
        let list = try await Self.failure(.init(status: 403, body: denied)) { _ = try await $0.listBuckets() }
        #expect(list.code == .missingCapability)
        #expect(list.message.contains("listAllBucketNames"))
        let put = try await Self.failure(.init(status: 403, body: denied)) {
            _ = try await $0.putObject(ByteBuffer(string: "x"), bucket: "b", key: "k")
        }
        #expect(put.code == .restricted)
        #expect(!put.message.contains("listAllBucketNames"))
    }

    @Test("the request id comes from x-amz-request-id when the body has none; a HEAD 404 is nil")
    func requestIdHeader() async throws {
        let error = try await Self.failure(
            .init(
                status: 409, headers: [("x-amz-request-id", "hdr-1")],
                body: "<Error><Code>BucketNotEmpty</Code></Error>")
        ) { try await $0.deleteBucket("full") }
        #expect(error.context.requestId == "hdr-1")
        #expect(error.context.bucket == "full")
        #expect(error.message.contains("b2kit rm --recursive s3://full/"))
        let client = try Self.client(ScriptedTransport([.init(status: 404)]))
        #expect(try await client.headObject(bucket: "b", key: "k") == nil)
    }

    @Test("503 SlowDown is retried by the policy and every attempt is signed afresh")
    func retries() async throws {
        let transport = ScriptedTransport([
            .init(status: 503, headers: [("Retry-After", "1")], body: Self.errorXML("SlowDown", "slow")),
            .init(
                status: 200,
                body:
                    "<ListAllMyBucketsResult><Buckets><Bucket><Name>one</Name></Bucket></Buckets></ListAllMyBucketsResult>"
            ),
        ])
        let buckets = try await Self.client(transport).listBuckets()
        #expect(buckets.map(\.name) == ["one"])
        #expect(transport.sent.count == 2)
        for request in transport.sent {
            let authorization = request.headers.first(name: "Authorization") ?? ""
            #expect(
                authorization.hasPrefix(
                    "AWS4-HMAC-SHA256 Credential=\(Self.keyId)/20251104/us-west-004/s3/aws4_request"))
            #expect(request.headers.first(name: "host") == "s3.us-west-004.backblazeb2.com")
        }
    }

    @Test("keys are encoded once on the wire, exactly as signed")
    func wireEncoding() async throws {
        let transport = ScriptedTransport([.init(status: 204)])
        try await Self.client(transport).deleteObject(bucket: "bkt", key: "dir/a b+c~é.txt")
        #expect(transport.sent.first?.url == "https://s3.us-west-004.backblazeb2.com/bkt/dir/a%20b%2Bc~%C3%A9.txt")
    }

    @Test("presigned GET URLs carry the credential scope and verify with B2SigV4's verifier")
    func presigned() async throws {
        let client = try Self.client(ScriptedTransport([]), endpoint: "http://127.0.0.1:9000")
        let url = client.presignedGetURL(bucket: "bkt", key: "r é.csv", expires: 600)
        #expect(url.hasPrefix("http://127.0.0.1:9000/bkt/r%20%C3%A9.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"))
        #expect(url.contains("X-Amz-Expires=600"))
        let target = String(url.dropFirst("http://127.0.0.1:9000".count))
        let verified = try await SigV4Verifier(region: "us-west-004").verify(
            SigV4IncomingRequest(
                method: "GET", target: target, headers: [SigV4Request.Header("Host", "127.0.0.1:9000")]),
            now: SigV4Timestamp(amzDate: "20251104T101500Z")!.date.addingTimeInterval(60)
        ) { $0 == Self.keyId ? Self.secret : nil }
        #expect(verified.accessKeyId == Self.keyId)
    }

    @Test("a GET that ends early resumes from the next byte, pinned to the first answer's ETag")
    func resumesDownloads() async throws {
        let transport = ScriptedTransport([
            .init(status: 200, headers: [("Content-Length", "10"), ("ETag", "\"abc\"")], body: "01234"),
            .init(status: 206, headers: [("Content-Range", "bytes 5-9/10"), ("ETag", "\"abc\"")], body: "56789"),
        ])
        var received = ""
        let head = try await Self.client(transport).getObject(bucket: "b", key: "k") { received += String(buffer: $0) }
        #expect(received == "0123456789")
        #expect(head.contentLength == 10)
        #expect(head.eTag == "abc")
        #expect(transport.sent.count == 2)
        #expect(transport.sent.first?.headers.first(name: "range") == nil)
        #expect(transport.sent.last?.headers.first(name: "range") == "bytes=5-9")
        #expect(transport.sent.last?.headers.first(name: "if-match") == "\"abc\"")
    }
}
