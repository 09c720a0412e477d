import B2JSON
import B2SigV4
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import B2Emulator

/// An S3 reply: status, headers, body, and the fields of an XML error document.
struct S3Reply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer

    var bytes: [UInt8] { Array(body.readableBytesView) }
    var text: String { String(buffer: body) }
    var xml: S3XMLElement? { try? S3XMLElement.parse(bytes) }
    /// The error document's `Code`.
    var code: String? { xml?.child("Code")?.text }
    var message: String { xml?.child("Message")?.text ?? "" }
}

/// Speaks SigV4-signed S3 to the harness's emulator (path style, `Host: localhost` as the test client sends).
struct S3TestClient: Sendable {
    let client: any TestClientProtocol
    let keyId: String
    let secret: String
    var region = "us-west-004"
    /// The host the test client sends, which the signature covers.
    static let host = "localhost"

    /// Creates an application key through the native API (the master key is not usable on S3) and a client for it.
    static func make(
        _ native: B2TestClient, capabilities: [String] = Capability.all, bucketIds: [String]? = nil,
        namePrefix: String? = nil
    ) async throws -> S3TestClient {
        var members: [(String, JSONValue)] = [
            ("accountId", "x"), ("keyName", "s3-test"), ("capabilities", .array(capabilities.map { .string($0) })),
        ]
        if let bucketIds { members.append(("bucketIds", .array(bucketIds.map { .string($0) }))) }
        if let namePrefix { members.append(("namePrefix", .string(namePrefix))) }
        let key = try await native.ok("b2_create_key", .object(members))
        return S3TestClient(
            client: native.client, keyId: try #require(key["applicationKeyId"]?.stringValue),
            secret: try #require(key["applicationKey"]?.stringValue))
    }

    var signer: SigV4Signer {
        SigV4Signer(credentials: SigV4Credentials(accessKeyId: keyId, secretAccessKey: secret), region: region)
    }

    /// Sends a signed request. `payload` defaults to the SHA-256 of `body`.
    func send(
        _ method: HTTPRequest.Method, _ path: String, query: [(String, String)] = [], headers: HTTPFields = [:],
        body: [UInt8]? = nil, payload: SigV4Payload? = nil, tamper: ((inout HTTPFields) -> Void)? = nil
    ) async throws -> S3Reply {
        let request = SigV4Request(
            method: method.rawValue, host: Self.host, path: path,
            query: query.map { SigV4Request.QueryItem($0.0, $0.1) },
            headers: headers.map { SigV4Request.Header($0.name.canonicalName, $0.value) })
        let signature = signer.signHeaders(request, payload: payload ?? .sha256(of: body ?? []), date: Date())
        var fields = headers
        for header in signature.headers { fields[HTTPField.Name(header.name)!] = header.value }
        tamper?(&fields)
        let target = request.encodedPath + (query.isEmpty ? "" : "?" + request.encodedQuery)
        let response = try await client.execute(
            uri: target, method: method, headers: fields, body: body.map { ByteBuffer(bytes: $0) })
        return S3Reply(status: response.status, headers: response.headers, body: response.body)
    }

    /// A presigned URL's path and query for a GET of `path`.
    func presignedTarget(_ path: String, expires: Int = 300, date: Date = Date()) -> String {
        let request = SigV4Request(method: "GET", host: Self.host, path: path)
        return request.encodedPath + "?" + signer.presign(request, expires: expires, date: date).encodedQuery
    }

    /// PUTs an object and requires 200.
    @discardableResult
    func put(
        _ path: String, _ data: [UInt8], headers: HTTPFields = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> S3Reply {
        let reply = try await send(.put, path, headers: headers, body: data)
        #expect(reply.status == .ok, "PUT \(path): \(reply.status) \(reply.text)", sourceLocation: sourceLocation)
        return reply
    }
}
