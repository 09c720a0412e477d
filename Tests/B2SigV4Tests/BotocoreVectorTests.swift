import Foundation
import Testing

@testable import B2SigV4

/// Vectors produced by botocore's `S3SigV4Auth` and `S3SigV4QueryAuth` (scripts/sigv4-vectors.py): tricky keys,
/// empty query values, repeated headers, signed and unsigned payloads. The signer must reproduce each, and the
/// verifier must accept what botocore sent.
@Suite("botocore-generated SigV4 vectors")
struct BotocoreVectorTests {
    struct File: Decodable {
        let botocore: String
        let date: String
        let accessKeyId: String
        let secretAccessKey: String
        let headerSigned: [HeaderVector]
        let presigned: [PresignVector]
    }

    struct HeaderVector: Decodable, Sendable, CustomTestStringConvertible {
        let name, method, host, region, path: String
        let query: [[String]]
        let headers: [[String]]
        let body: String?
        let canonicalRequest, stringToSign, authorization, contentSha256, requestURL: String
        var testDescription: String { name }
    }

    struct PresignVector: Decodable, Sendable, CustomTestStringConvertible {
        let name, host, region, path: String
        let query: [[String]]
        let expires: Int
        let url, canonicalRequest, signature: String
        var testDescription: String { name }
    }

    static let file: File = {
        guard let url = Bundle.module.url(forResource: "botocore-vectors", withExtension: "json"),
            let data = try? Data(contentsOf: url),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { fatalError("Tests/B2SigV4Tests/Resources/botocore-vectors.json is missing or malformed") }
        return file
    }()

    static var date: Date { SigV4Timestamp(amzDate: file.date)!.date }
    static var credentials: SigV4Credentials {
        SigV4Credentials(accessKeyId: file.accessKeyId, secretAccessKey: file.secretAccessKey)
    }

    /// Splits `http://host/path?query` into the request target.
    static func target(of url: String) -> String {
        let afterScheme = url.dropFirst("http://".count)
        return String(afterScheme[afterScheme.firstIndex(of: "/")!...])
    }

    @Test("the file holds enough vectors to matter")
    func fileIsComplete() {
        #expect(Self.file.headerSigned.count >= 10)
        #expect(Self.file.presigned.count >= 3)
        #expect(!Self.file.botocore.isEmpty)
    }

    @Test("header signing matches botocore, stage by stage", arguments: file.headerSigned)
    func headerVector(_ vector: HeaderVector) {
        let request = SigV4Request(
            method: vector.method, host: vector.host, path: vector.path,
            query: vector.query.map { SigV4Request.QueryItem($0[0], $0[1]) },
            headers: vector.headers.map { SigV4Request.Header($0[0], $0[1]) })
        let payload: SigV4Payload = vector.body.map { .sha256(of: Array($0.utf8)) } ?? .unsigned
        let signer = SigV4Signer(credentials: Self.credentials, region: vector.region)
        let signed = signer.signHeaders(request, payload: payload, date: Self.date)
        #expect(signed.canonicalRequest == vector.canonicalRequest)
        #expect(signed.stringToSign == vector.stringToSign)
        #expect(signed.authorization == vector.authorization)
        #expect(payload.hash == vector.contentSha256)
        let sentTarget = request.encodedPath + (request.query.isEmpty ? "" : "?" + request.encodedQuery)
        let botocoreTarget = Self.target(of: vector.requestURL)
        // Same path bytes; the same query parameters (botocore keeps them in the caller's order).
        #expect(sentTarget.split(separator: "?").first == botocoreTarget.split(separator: "?").first)
        #expect(
            Set(request.encodedQuery.split(separator: "&"))
                == Set(botocoreTarget.split(separator: "?").dropFirst().first?.split(separator: "&") ?? []))
    }

    @Test("the verifier accepts each request exactly as botocore sent it", arguments: file.headerSigned)
    func verifierAcceptsBotocoreHeaders(_ vector: HeaderVector) async throws {
        var headers = vector.headers.map { SigV4Request.Header($0[0], $0[1]) }
        headers += [
            SigV4Request.Header("Host", vector.host), SigV4Request.Header("X-Amz-Date", Self.file.date),
            SigV4Request.Header("X-Amz-Content-SHA256", vector.contentSha256),
            SigV4Request.Header("Authorization", vector.authorization),
            SigV4Request.Header("User-Agent", "Boto3/1.x"),
        ]
        let incoming = SigV4IncomingRequest(
            method: vector.method, target: Self.target(of: vector.requestURL), headers: headers)
        let verifier = SigV4Verifier(region: vector.region)
        let verified = try await verifier.verify(incoming, now: Self.date.addingTimeInterval(60)) {
            $0 == Self.file.accessKeyId ? Self.file.secretAccessKey : nil
        }
        #expect(verified.accessKeyId == Self.file.accessKeyId)
        #expect(verified.payload.hash == vector.contentSha256)
        #expect(verified.method == .header)
    }

    @Test("presigning matches botocore's URL", arguments: file.presigned)
    func presignVector(_ vector: PresignVector) {
        let request = SigV4Request(
            method: "GET", host: vector.host, path: vector.path,
            query: vector.query.map { SigV4Request.QueryItem($0[0], $0[1]) })
        let signer = SigV4Signer(credentials: Self.credentials, region: vector.region)
        let presigned = signer.presign(request, expires: vector.expires, date: Self.date)
        #expect(presigned.canonicalRequest == vector.canonicalRequest)
        #expect(presigned.signature == vector.signature)
        let botocoreQuery = Self.target(of: vector.url).split(separator: "?")[1]
        #expect(Set(presigned.encodedQuery.split(separator: "&")) == Set(botocoreQuery.split(separator: "&")))
    }

    @Test("the verifier accepts botocore's presigned URLs until they expire", arguments: file.presigned)
    func verifierAcceptsBotocorePresigned(_ vector: PresignVector) async throws {
        let incoming = SigV4IncomingRequest(
            method: "GET", target: Self.target(of: vector.url), headers: [SigV4Request.Header("Host", vector.host)])
        let verifier = SigV4Verifier(region: vector.region)
        let lookup: (String) async throws -> String? = { _ in Self.file.secretAccessKey }
        let verified = try await verifier.verify(
            incoming, now: Self.date.addingTimeInterval(TimeInterval(vector.expires - 1)), secret: lookup)
        #expect(verified.method == .presigned(expiresAt: Self.date.addingTimeInterval(TimeInterval(vector.expires))))
        await #expect(throws: SigV4VerificationError.self) {
            try await verifier.verify(
                incoming, now: Self.date.addingTimeInterval(TimeInterval(vector.expires)), secret: lookup)
        }
    }
}
