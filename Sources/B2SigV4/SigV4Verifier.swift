import Foundation

/// Checks SigV4 signatures for a server: parses the `Authorization` header or presigned query, looks the secret up by
/// access key id, recomputes the signature and compares it in constant time.
///
/// Checks run in this order, so the first failure is the one reported: the header or query parses; the scope's
/// service is this verifier's; the scope's region is this verifier's (``SigV4VerificationError/Code/wrongRegion``);
/// the scope's date is the request date's; the request time is within ``allowedClockSkew`` (header) or the URL has
/// not expired (query); the key is known; the signature matches. The body's SHA-256, when the request claims one, is
/// returned for the caller to check while it reads the body.
public struct SigV4Verifier: Sendable {
    /// The region requests must be signed for, such as `us-west-004`.
    public var region: String
    /// The service requests must be signed for; `s3`.
    public var service: String
    /// How far the request time may be from the server's clock for header authentication (S3 allows 15 minutes).
    public var allowedClockSkew: TimeInterval

    /// Creates a verifier.
    /// - Parameters:
    ///   - region: The server's region.
    ///   - service: The service; `s3` by default.
    ///   - allowedClockSkew: The allowed clock difference in seconds; 15 minutes by default.
    public init(region: String, service: String = "s3", allowedClockSkew: TimeInterval = 900) {
        self.region = region
        self.service = service
        self.allowedClockSkew = allowedClockSkew
    }

    /// Verifies a request's signature, by header or by presigned query.
    /// - Parameters:
    ///   - request: The request as received.
    ///   - now: The server's current time.
    ///   - secret: Looks up the secret for an access key id; `nil` when the key is unknown.
    /// - Returns: What the signature established.
    /// - Throws: ``SigV4VerificationError`` when the request is not correctly signed; any error `secret` throws.
    public func verify(
        _ request: SigV4IncomingRequest, now: Date, secret: (String) async throws -> String?
    ) async throws -> SigV4VerifiedRequest {
        if let header = request.header("authorization") {
            return try await verifyHeader(request, authorization: header, now: now, secret: secret)
        }
        if request.isPresigned {
            return try await verifyPresigned(request, now: now, secret: secret)
        }
        throw SigV4VerificationError.missing()
    }

    private func verifyHeader(
        _ request: SigV4IncomingRequest, authorization: String, now: Date, secret: (String) async throws -> String?
    ) async throws -> SigV4VerifiedRequest {
        let parsed = try SigV4Authorization.parse(header: authorization)
        try checkScope(parsed.scope, presigned: false)
        guard let dateText = request.header("x-amz-date") else {
            throw SigV4VerificationError.malformed("the x-amz-date header is missing", presigned: false)
        }
        guard let timestamp = SigV4Timestamp(amzDate: dateText), timestamp.scopeDate == parsed.scope.date else {
            throw SigV4VerificationError.malformed(
                "x-amz-date '\(dateText)' is not yyyyMMdd'T'HHmmss'Z' on the credential's date", presigned: false)
        }
        guard abs(timestamp.date.timeIntervalSince(now)) <= allowedClockSkew else {
            throw SigV4VerificationError.skewed(requestTime: timestamp.date, now: now)
        }
        guard let payloadText = request.header("x-amz-content-sha256") else {
            throw SigV4VerificationError.malformed("the x-amz-content-sha256 header is missing", presigned: false)
        }
        try checkSignedHeaders(parsed.signedHeaders, presigned: false)
        let payload = SigV4Payload(hash: payloadText)
        let canonical = try canonicalRequest(
            request, signedHeaders: parsed.signedHeaders, droppingSignature: false, payload: payload, presigned: false)
        try await compare(parsed, canonical: canonical, timestamp: timestamp, secret: secret)
        return SigV4VerifiedRequest(
            accessKeyId: parsed.accessKeyId, scope: parsed.scope, timestamp: timestamp, method: .header,
            signedHeaders: parsed.signedHeaders, payload: payload, signature: parsed.signature)
    }

    private func verifyPresigned(
        _ request: SigV4IncomingRequest, now: Date, secret: (String) async throws -> String?
    ) async throws -> SigV4VerifiedRequest {
        func required(_ name: String) throws -> String {
            guard let value = request.queryValue(name), !value.isEmpty else {
                throw SigV4VerificationError.malformed("the \(name) parameter is missing", presigned: true)
            }
            return value
        }
        guard try required("X-Amz-Algorithm") == SigV4Signer.algorithm else {
            throw SigV4VerificationError.malformed("X-Amz-Algorithm must be \(SigV4Signer.algorithm)", presigned: true)
        }
        let parsed = try SigV4Authorization.make(
            credential: try required("X-Amz-Credential"), signedHeaders: try required("X-Amz-SignedHeaders"),
            signature: try required("X-Amz-Signature"), presigned: true)
        try checkScope(parsed.scope, presigned: true)
        let dateText = try required("X-Amz-Date")
        guard let timestamp = SigV4Timestamp(amzDate: dateText), timestamp.scopeDate == parsed.scope.date else {
            throw SigV4VerificationError.malformed(
                "X-Amz-Date '\(dateText)' is not yyyyMMdd'T'HHmmss'Z' on the credential's date", presigned: true)
        }
        let expiresText = try required("X-Amz-Expires")
        guard let expires = Int(expiresText), expires >= 1, expires <= SigV4Signer.maximumPresignedExpiry else {
            throw SigV4VerificationError.malformed(
                "X-Amz-Expires must be a number of seconds from 1 to \(SigV4Signer.maximumPresignedExpiry) "
                    + "(seven days)", presigned: true)
        }
        guard timestamp.date.timeIntervalSince(now) <= allowedClockSkew else {
            throw SigV4VerificationError.skewed(requestTime: timestamp.date, now: now)
        }
        let expiresAt = timestamp.date.addingTimeInterval(TimeInterval(expires))
        guard now < expiresAt else {
            throw SigV4VerificationError.expired(expiresAt: expiresAt, now: now)
        }
        try checkSignedHeaders(parsed.signedHeaders, presigned: true)
        let payload =
            parsed.signedHeaders.contains("x-amz-content-sha256")
            ? SigV4Payload(hash: request.header("x-amz-content-sha256") ?? SigV4Payload.unsigned.hash) : .unsigned
        let canonical = try canonicalRequest(
            request, signedHeaders: parsed.signedHeaders, droppingSignature: true, payload: payload, presigned: true)
        try await compare(parsed, canonical: canonical, timestamp: timestamp, secret: secret)
        return SigV4VerifiedRequest(
            accessKeyId: parsed.accessKeyId, scope: parsed.scope, timestamp: timestamp,
            method: .presigned(expiresAt: expiresAt), signedHeaders: parsed.signedHeaders, payload: payload,
            signature: parsed.signature)
    }

    private func checkScope(_ scope: SigV4Scope, presigned: Bool) throws(SigV4VerificationError) {
        guard scope.service == service else {
            throw .malformed("the service '\(scope.service)' is wrong; expecting '\(service)'", presigned: presigned)
        }
        guard scope.region == region else {
            throw .wrongRegion(expected: region, given: scope.region, presigned: presigned)
        }
    }

    private func checkSignedHeaders(_ names: [String], presigned: Bool) throws(SigV4VerificationError) {
        guard names.contains("host") else {
            throw .malformed("SignedHeaders must include host", presigned: presigned)
        }
    }

    private func canonicalRequest(
        _ request: SigV4IncomingRequest, signedHeaders: [String], droppingSignature: Bool, payload: SigV4Payload,
        presigned: Bool
    ) throws(SigV4VerificationError) -> String {
        guard let path = PercentEncoding.sigV4.decode(request.rawPath.isEmpty ? "/" : request.rawPath) else {
            throw .malformed("the path has a malformed percent escape", presigned: presigned)
        }
        var pairs: [(String, String)] = []
        for (name, value) in request.encodedQueryPairs {
            guard let decodedName = PercentEncoding.sigV4.decode(name),
                let decodedValue = PercentEncoding.sigV4.decode(value)
            else {
                throw .malformed("the query has a malformed percent escape", presigned: presigned)
            }
            if droppingSignature && decodedName == "X-Amz-Signature" { continue }
            pairs.append((decodedName, decodedValue))
        }
        let block = SigV4Canonical.headerBlock(request.headers, names: signedHeaders)
        return SigV4Canonical.request(
            method: request.method, encodedPath: PercentEncoding.sigV4Path.encode(path),
            encodedQuery: SigV4Canonical.query(pairs), canonicalHeaders: block,
            signedHeaders: signedHeaders.joined(separator: ";"),
            payloadHash: payload.hash)
    }

    private func compare(
        _ parsed: SigV4Authorization, canonical: String, timestamp: SigV4Timestamp,
        secret: (String) async throws -> String?
    ) async throws {
        guard let key = try await secret(parsed.accessKeyId) else {
            throw SigV4VerificationError.unknownKey(parsed.accessKeyId)
        }
        let toSign = SigV4Signer.stringToSign(canonicalRequest: canonical, timestamp: timestamp, scope: parsed.scope)
        let expected = SigV4Signer.signature(
            stringToSign: toSign, key: SigV4Signer.signingKey(secret: key, scope: parsed.scope))
        guard constantTimeEquals(expected, parsed.signature) else {
            throw SigV4VerificationError.mismatch(
                accessKeyId: parsed.accessKeyId, canonicalRequest: canonical, stringToSign: toSign)
        }
    }
}

/// Compares two strings in time that depends only on their lengths.
private func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    let a = Array(lhs.utf8)
    let b = Array(rhs.utf8)
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices {
        difference |= a[index] ^ b[index]
    }
    return difference == 0
}
