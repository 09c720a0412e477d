import Foundation
import Testing

@testable import B2SigV4

/// The verifier's outcomes, each produced by signing with this target's signer and then changing one thing.
@Suite("SigV4Verifier outcomes")
struct VerifierTests {
    static let keyId = "0044d3a7c2c1e8e0000000005"
    static let secret = "K0047mL0cQ1vT1Yb3bZqJ0hVQ8lYc2E"
    static let date = SigV4Timestamp(amzDate: "20251104T101500Z")!.date
    static let host = "127.0.0.1:9000"
    static let verifier = SigV4Verifier(region: "us-west-004")

    static func lookup(_ id: String) async throws -> String? { id == keyId ? secret : nil }

    /// A PUT of `/bucket/dir/a b+c.txt?x-id=PutObject` signed with `secret` in `region`.
    static func signedPut(secret: String = secret, region: String = "us-west-004", keyId: String = keyId)
        -> SigV4IncomingRequest
    {
        let request = SigV4Request(
            method: "PUT", host: host, path: "/bucket/dir/a b+c.txt",
            query: [SigV4Request.QueryItem("x-id", "PutObject")],
            headers: [SigV4Request.Header("Content-Type", "text/plain")])
        let signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyId: keyId, secretAccessKey: secret), region: region)
        let signed = signer.signHeaders(request, payload: .sha256(of: Array("hello".utf8)), date: date)
        return SigV4IncomingRequest(
            method: "PUT", target: request.encodedPath + "?" + request.encodedQuery,
            headers: request.headers + signed.headers)
    }

    static func presignedGet(expires: Int = 300, region: String = "us-west-004") -> SigV4IncomingRequest {
        let request = SigV4Request(method: "GET", host: host, path: "/bucket/r~é.csv")
        let signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyId: keyId, secretAccessKey: secret), region: region)
        let query = signer.presign(request, expires: expires, date: date).encodedQuery
        return SigV4IncomingRequest(
            method: "GET", target: request.encodedPath + "?" + query, headers: [SigV4Request.Header("host", host)])
    }

    static func failure(_ request: SigV4IncomingRequest, now: Date = date) async -> SigV4VerificationError? {
        do {
            _ = try await verifier.verify(request, now: now, secret: lookup)
            return nil
        } catch {
            return error as? SigV4VerificationError
        }
    }

    @Test("a correctly signed request verifies and reports its key, scope and signed payload hash")
    func accepts() async throws {
        let verified = try await Self.verifier.verify(Self.signedPut(), now: Self.date, secret: Self.lookup)
        #expect(verified.accessKeyId == Self.keyId)
        #expect(verified.scope == SigV4Scope(date: "20251104", region: "us-west-004", service: "s3"))
        #expect(verified.payload == .sha256(of: Array("hello".utf8)))
        #expect(verified.payload.isSignedDigest)
        #expect(verified.signedHeaders == ["content-type", "host", "x-amz-content-sha256", "x-amz-date"])
    }

    @Test("a wrong secret is SignatureDoesNotMatch with the server's canonical request, never a secret")
    func wrongSecret() async throws {
        let error = try #require(await Self.failure(Self.signedPut(secret: "not-the-secret")))
        #expect(error.code == .signatureMismatch)
        #expect(error.s3Code == "SignatureDoesNotMatch")
        #expect(error.httpStatus == 403)
        #expect(error.canonicalRequest?.hasPrefix("PUT\n/bucket/dir/a%20b%2Bc.txt\nx-id=PutObject\n") == true)
        #expect(!error.description.contains(Self.secret))
    }

    @Test("a tampered header or path fails even with the right secret")
    func tampered() async throws {
        var request = Self.signedPut()
        request.headers = request.headers.map { $0.name == "Content-Type" ? SigV4Request.Header($0.name, "x/y") : $0 }
        #expect(await Self.failure(request)?.code == .signatureMismatch)
        var moved = Self.signedPut()
        moved.rawPath = "/bucket/dir/other.txt"
        #expect(await Self.failure(moved)?.code == .signatureMismatch)
    }

    @Test("an unknown access key id is InvalidAccessKeyId naming the key id")
    func unknownKey() async throws {
        let error = try #require(await Self.failure(Self.signedPut(keyId: "000someoneelse")))
        #expect(error.code == .unknownAccessKey)
        #expect(error.s3Code == "InvalidAccessKeyId")
        #expect(error.accessKeyId == "000someoneelse")
    }

    @Test("a credential scope for another region carries the expected and the given region")
    func wrongRegion() async throws {
        let error = try #require(await Self.failure(Self.signedPut(region: "us-east-005")))
        #expect(error.code == .wrongRegion)
        #expect(error.expectedRegion == "us-west-004")
        #expect(error.givenRegion == "us-east-005")
        #expect(error.s3Code == "AuthorizationHeaderMalformed")
        #expect(error.message.contains("'us-east-005' is wrong; expecting 'us-west-004'"))
        let presigned = try #require(await Self.failure(Self.presignedGet(region: "eu-central-003")))
        #expect(presigned.code == .wrongRegion)
        #expect(presigned.givenRegion == "eu-central-003")
    }

    @Test("a request time more than 15 minutes off is RequestTimeTooSkewed; 14 minutes is accepted")
    func skew() async throws {
        let error = try #require(await Self.failure(Self.signedPut(), now: Self.date.addingTimeInterval(901)))
        #expect(error.code == .requestTimeTooSkewed)
        #expect(error.s3Code == "RequestTimeTooSkewed")
        #expect(error.requestTime == Self.date)
        #expect(
            await Self.failure(Self.signedPut(), now: Self.date.addingTimeInterval(-901))?.code == .requestTimeTooSkewed
        )
        #expect(await Self.failure(Self.signedPut(), now: Self.date.addingTimeInterval(840)) == nil)
    }

    @Test("a presigned URL works until X-Amz-Expires passes, then is AccessDenied 'Request has expired'")
    func presignedExpiry() async throws {
        let request = Self.presignedGet(expires: 300)
        #expect(await Self.failure(request, now: Self.date.addingTimeInterval(299)) == nil)
        let error = try #require(await Self.failure(request, now: Self.date.addingTimeInterval(300)))
        #expect(error.code == .expired)
        #expect(error.s3Code == "AccessDenied")
        #expect(error.message == "Request has expired")
        #expect(error.expiresAt == Self.date.addingTimeInterval(300))
    }

    @Test("a presigned URL with a changed signature or path fails")
    func presignedTampered() async throws {
        var request = Self.presignedGet()
        request.rawPath = "/bucket/other.csv"
        #expect(await Self.failure(request)?.code == .signatureMismatch)
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        let name: String
        let authorization: String
        var testDescription: String { name }
    }

    static let malformedHeaders: [Malformed] = [
        Malformed(name: "SigV2", authorization: "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="),
        Malformed(
            name: "no Signature",
            authorization:
                "AWS4-HMAC-SHA256 Credential=\(keyId)/20251104/us-west-004/s3/aws4_request, SignedHeaders=host"),
        Malformed(
            name: "short credential",
            authorization:
                "AWS4-HMAC-SHA256 Credential=\(keyId)/20251104/s3/aws4_request, SignedHeaders=host, Signature=\(String(repeating: "a", count: 64))"
        ),
        Malformed(
            name: "bad signature text",
            authorization:
                "AWS4-HMAC-SHA256 Credential=\(keyId)/20251104/us-west-004/s3/aws4_request, SignedHeaders=host, Signature=xyz"
        ),
        Malformed(
            name: "wrong service",
            authorization:
                "AWS4-HMAC-SHA256 Credential=\(keyId)/20251104/us-west-004/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(String(repeating: "a", count: 64))"
        ),
        Malformed(
            name: "host not signed",
            authorization:
                "AWS4-HMAC-SHA256 Credential=\(keyId)/20251104/us-west-004/s3/aws4_request, SignedHeaders=x-amz-date, Signature=\(String(repeating: "a", count: 64))"
        ),
    ]

    @Test("a malformed Authorization header is AuthorizationHeaderMalformed (400)", arguments: malformedHeaders)
    func malformedHeader(_ example: Malformed) async throws {
        let request = SigV4IncomingRequest(
            method: "GET", target: "/bucket/x",
            headers: [
                SigV4Request.Header("Host", Self.host), SigV4Request.Header("x-amz-date", "20251104T101500Z"),
                SigV4Request.Header("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
                SigV4Request.Header("Authorization", example.authorization),
            ])
        let error = try #require(await Self.failure(request))
        #expect(error.code == .malformedAuthorization)
        #expect(error.s3Code == "AuthorizationHeaderMalformed")
        #expect(error.httpStatus == 400)
    }

    @Test("a missing x-amz-date or x-amz-content-sha256 is malformed; no authentication at all is AccessDenied")
    func missingParts() async throws {
        var noDate = Self.signedPut()
        noDate.headers.removeAll { $0.name == "x-amz-date" }
        #expect(await Self.failure(noDate)?.code == .malformedAuthorization)
        var noHash = Self.signedPut()
        noHash.headers.removeAll { $0.name == "x-amz-content-sha256" }
        #expect(await Self.failure(noHash)?.code == .malformedAuthorization)
        let anonymous = SigV4IncomingRequest(method: "GET", target: "/", headers: [SigV4Request.Header("host", "h")])
        #expect(!anonymous.isAuthenticated)
        let error = try #require(await Self.failure(anonymous))
        #expect(error.code == .missingAuthentication)
        #expect(error.s3Code == "AccessDenied")
    }

    @Test("presigned X-Amz-Expires beyond seven days is AuthorizationQueryParametersError")
    func presignedTooLong() async throws {
        var request = Self.presignedGet()
        request.rawQuery = request.rawQuery.replacingOccurrences(of: "X-Amz-Expires=300", with: "X-Amz-Expires=604801")
        let error = try #require(await Self.failure(request))
        #expect(error.code == .malformedAuthorization)
        #expect(error.s3Code == "AuthorizationQueryParametersError")
    }
}
