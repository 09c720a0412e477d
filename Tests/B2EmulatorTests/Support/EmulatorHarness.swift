import B2JSON
import B2SigV4
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import B2Emulator

/// Runs an emulator in-process on port 0 over a temporary data folder and talks B2 to it.
struct EmulatorHarness {
    static let keyId = "testkeyid"
    static let key = "testsecret"

    /// A fresh temporary data folder.
    static func makeDataDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Starts an emulator, runs `body` with a client, and stops the emulator (`.ahc(.https)` for a TLS emulator).
    static func run<Value: Sendable>(
        dataDirectory: String = makeDataDirectory(),
        framework: TestingSetup = .live,
        configure: (inout EmulatorConfiguration) -> Void = { _ in },
        _ body: @Sendable (B2TestClient) async throws -> Value
    ) async throws -> Value {
        var configuration = EmulatorConfiguration(
            dataDirectory: dataDirectory,
            port: 0,
            masterKeyId: keyId,
            masterKey: key,
            recommendedPartSize: 5_000_000,
            absoluteMinimumPartSize: 5
        )
        configure(&configuration)
        let server = try await EmulatorServer(configuration: configuration)
        return try await server.application().test(framework) { client in
            try await body(B2TestClient(client: client))
        }
    }
}

/// A B2 reply: status, headers and body.
struct B2Reply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer

    var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    var code: String? { if case .string(let code)? = json["code"] { code } else { nil } }
    var message: String { if case .string(let message)? = json["message"] { message } else { "" } }
    /// The emulator's own explanation, beside B2's message.
    var guidance: String { if case .string(let guidance)? = json["guidance"] { guidance } else { "" } }
    var bytes: [UInt8] { Array(body.readableBytesView) }
}

extension JSONValue {
    var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    var intValue: Int64? { if case .int(let value) = self { value } else { nil } }
    var arrayValue: [JSONValue] { if case .array(let value) = self { value } else { [] } }
}

/// Speaks the native API to the harness's emulator.
struct B2TestClient: Sendable {
    let client: any TestClientProtocol
    var token = ""
    var version = 4

    var port: Int { client.port ?? 0 }

    /// Authorizes with the given key (the master key by default) and keeps the token.
    mutating func authorize(keyId: String = EmulatorHarness.keyId, key: String = EmulatorHarness.key) async throws
        -> B2Reply
    {
        let basic = Data("\(keyId):\(key)".utf8).base64EncodedString()
        let reply = try await send(
            "/b2api/v\(version)/b2_authorize_account", method: .get, headers: [.authorization: "Basic \(basic)"])
        if let token = reply.json["authorizationToken"]?.stringValue { self.token = token }
        return reply
    }

    func send(
        _ uri: String,
        method: HTTPRequest.Method = .post,
        headers: HTTPFields = [:],
        body: ByteBuffer? = nil
    ) async throws -> B2Reply {
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        return B2Reply(status: response.status, headers: response.headers, body: response.body)
    }

    /// Calls `b2_<name>` with a JSON body and the current token.
    func call(_ name: String, _ body: JSONValue = [:]) async throws -> B2Reply {
        try await send(
            "/b2api/v\(version)/\(name)",
            headers: [.authorization: token, .contentType: "application/json"],
            body: body.byteBuffer()
        )
    }

    /// Calls and requires HTTP 200, returning the JSON.
    func ok(_ name: String, _ body: JSONValue = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> JSONValue
    {
        let reply = try await call(name, body)
        #expect(
            reply.status == .ok, "\(name): \(reply.status) \(reply.code ?? "") \(reply.message)",
            sourceLocation: sourceLocation)
        return reply.json
    }

    func createBucket(_ name: String, type: String = "allPrivate") async throws -> String {
        let bucket = try await ok(
            "b2_create_bucket", ["accountId": "x", "bucketName": .string(name), "bucketType": .string(type)])
        return try #require(bucket["bucketId"]?.stringValue)
    }

    /// The path of a URL the emulator handed out.
    static func path(of url: String) -> String {
        guard let range = url.range(of: "://") else { return url }
        let rest = url[range.upperBound...]
        return String(rest[(rest.firstIndex(of: "/") ?? rest.endIndex)...])
    }

    /// Uploads bytes with `b2_get_upload_url` + `b2_upload_file`.
    func upload(
        bucketId: String,
        name: String,
        data: [UInt8],
        sha1: String? = nil,
        info: [(String, String)] = [],
        contentType: String = "b2/x-auto",
        headers extraHeaders: HTTPFields = [:]
    ) async throws -> B2Reply {
        let target = try await ok("b2_get_upload_url", ["bucketId": .string(bucketId)])
        var headers: HTTPFields = [
            .authorization: target["authorizationToken"]?.stringValue ?? "",
            HTTPField.Name("X-Bz-File-Name")!: PercentEncoding.b2.encode(name),
            .contentType: contentType,
            HTTPField.Name("X-Bz-Content-Sha1")!: sha1 ?? Self.sha1(data),
            .contentLength: String(data.count),
        ]
        for (key, value) in info {
            headers.append(
                HTTPField(name: HTTPField.Name("X-Bz-Info-" + key)!, value: PercentEncoding.b2.encode(value)))
        }
        headers.append(contentsOf: extraHeaders)
        return try await send(
            Self.path(of: target["uploadUrl"]?.stringValue ?? ""),
            headers: headers,
            body: ByteBuffer(bytes: data)
        )
    }

    /// Downloads `/file/BUCKET/NAME` with the current token.
    func download(bucket: String, name: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:])
        async throws -> B2Reply
    {
        var headers = headers
        if headers[.authorization] == nil { headers[.authorization] = token }
        return try await send("/file/\(bucket)/\(PercentEncoding.b2.encode(name))", method: method, headers: headers)
    }

    static func sha1(_ data: [UInt8]) -> String {
        Hex.string(Insecure.SHA1.hash(data: data))
    }

    static func bytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }
}
