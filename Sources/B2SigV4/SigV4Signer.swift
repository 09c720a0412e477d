import Crypto
import Foundation

/// AWS Signature Version 4 for one key, region and service: one function per stage of the specification.
///
/// The signing time is always passed in, so the same inputs give the same signature (tests use AWS's published
/// examples at 2013-05-24). Header signing returns the headers to add; presigning returns the query to append.
public struct SigV4Signer: Sendable {
    /// The algorithm name in `Authorization` and `X-Amz-Algorithm`.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The longest validity S3 accepts for a presigned URL: seven days.
    public static let maximumPresignedExpiry = 604_800

    /// The signing key.
    public let credentials: SigV4Credentials
    /// The region of the credential scope, such as `us-west-004`.
    public let region: String
    /// The service of the credential scope, `s3` for S3.
    public let service: String

    /// Creates a signer.
    /// - Parameters:
    ///   - credentials: The key to sign with.
    ///   - region: The region, such as `us-west-004`.
    ///   - service: The service; `s3` by default.
    public init(credentials: SigV4Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Stage 1: the canonical request.
    /// - Parameters:
    ///   - request: The request, with every header that will be signed.
    ///   - payload: The payload hash line.
    /// - Returns: The canonical request and the `SignedHeaders` list.
    public func canonicalRequest(_ request: SigV4Request, payload: SigV4Payload) -> (
        request: String, signedHeaders: String
    ) {
        let (block, signed) = SigV4Canonical.headers(request.headers)
        let text = SigV4Canonical.request(
            method: request.method, encodedPath: request.encodedPath, encodedQuery: request.encodedQuery,
            canonicalHeaders: block, signedHeaders: signed, payloadHash: payload.hash)
        return (text, signed)
    }

    /// Stage 2: the string to sign.
    /// - Parameters:
    ///   - canonicalRequest: The canonical request.
    ///   - timestamp: The signing time.
    /// - Returns: The four-line string to sign.
    public func stringToSign(canonicalRequest: String, timestamp: SigV4Timestamp) -> String {
        Self.stringToSign(canonicalRequest: canonicalRequest, timestamp: timestamp, scope: scope(timestamp))
    }

    /// Stage 3: the signing key, `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    /// - Parameters:
    ///   - secret: The secret access key.
    ///   - scope: The credential scope.
    /// - Returns: The derived key.
    public static func signingKey(secret: String, scope: SigV4Scope) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [scope.date, scope.region, scope.service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    /// Stage 4: the hex signature of a string to sign.
    /// - Parameters:
    ///   - stringToSign: The string to sign.
    ///   - timestamp: The signing time (it picks the scope's date).
    /// - Returns: 64 lower-case hex digits.
    public func signature(stringToSign: String, timestamp: SigV4Timestamp) -> String {
        Self.signature(
            stringToSign: stringToSign,
            key: Self.signingKey(secret: credentials.secretAccessKey, scope: scope(timestamp)))
    }

    /// Signs a request with headers.
    /// - Parameters:
    ///   - request: The request; its headers must include `host` and every other header to sign.
    ///   - payload: The body's hash, or ``SigV4Payload/unsigned``.
    ///   - date: The signing time.
    /// - Returns: The headers to add (`x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` when there is a
    ///   session token, and `Authorization`) with the intermediate strings.
    public func signHeaders(_ request: SigV4Request, payload: SigV4Payload, date: Date) -> SigV4HeaderSignature {
        let timestamp = SigV4Timestamp(date)
        var added = [
            SigV4Request.Header("x-amz-date", timestamp.amzDate),
            SigV4Request.Header("x-amz-content-sha256", payload.hash),
        ]
        if let token = credentials.sessionToken {
            added.append(SigV4Request.Header("x-amz-security-token", token))
        }
        var signed = request
        signed.headers.removeAll { header in
            added.contains { $0.name == header.name.lowercased() } || header.name.lowercased() == "authorization"
        }
        signed.headers += added
        let (canonical, signedHeaders) = canonicalRequest(signed, payload: payload)
        let toSign = stringToSign(canonicalRequest: canonical, timestamp: timestamp)
        let signature = signature(stringToSign: toSign, timestamp: timestamp)
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(scope(timestamp)), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        added.append(SigV4Request.Header("Authorization", authorization))
        return SigV4HeaderSignature(
            headers: added, canonicalRequest: canonical, stringToSign: toSign, signedHeaders: signedHeaders,
            signature: signature)
    }

    /// Presigns a request: query authentication that anyone holding the URL can use until it expires.
    /// - Parameters:
    ///   - request: The request; its headers must include `host` (usually the only signed header).
    ///   - expires: Seconds the URL stays valid, 1 to ``maximumPresignedExpiry``; values outside are clamped.
    ///   - date: The signing time.
    /// - Returns: The query to put after `?` (the request's own parameters, the `X-Amz-*` parameters and
    ///   `X-Amz-Signature`) with the intermediate strings.
    public func presign(_ request: SigV4Request, expires: Int, date: Date) -> SigV4PresignedQuery {
        let timestamp = SigV4Timestamp(date)
        let (_, signedHeaders) = SigV4Canonical.headers(request.headers)
        var auth = [
            SigV4Request.QueryItem("X-Amz-Algorithm", Self.algorithm),
            SigV4Request.QueryItem("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope(timestamp))"),
            SigV4Request.QueryItem("X-Amz-Date", timestamp.amzDate),
            SigV4Request.QueryItem("X-Amz-Expires", String(min(max(expires, 1), Self.maximumPresignedExpiry))),
            SigV4Request.QueryItem("X-Amz-SignedHeaders", signedHeaders),
        ]
        if let token = credentials.sessionToken {
            auth.append(SigV4Request.QueryItem("X-Amz-Security-Token", token))
        }
        var signed = request
        signed.query += auth
        let (canonical, _) = canonicalRequest(signed, payload: .unsigned)
        let toSign = stringToSign(canonicalRequest: canonical, timestamp: timestamp)
        let signature = signature(stringToSign: toSign, timestamp: timestamp)
        let query = signed.encodedQuery + "&X-Amz-Signature=" + signature
        return SigV4PresignedQuery(
            encodedQuery: query, canonicalRequest: canonical, stringToSign: toSign, signature: signature)
    }

    func scope(_ timestamp: SigV4Timestamp) -> SigV4Scope {
        SigV4Scope(date: timestamp.scopeDate, region: region, service: service)
    }

    static func stringToSign(canonicalRequest: String, timestamp: SigV4Timestamp, scope: SigV4Scope) -> String {
        let digest = SHA256.hash(data: Array(canonicalRequest.utf8))
        return [algorithm, timestamp.amzDate, scope.description, Hex.string(digest)].joined(separator: "\n")
    }

    static func signature(stringToSign: String, key: SymmetricKey) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }
}
