import Foundation

/// Why a request's signature was not accepted, with what S3 would answer (``s3Code``, ``httpStatus``, ``message``).
///
/// The message never contains a secret. For a signature mismatch it carries the canonical request and string to
/// sign the server computed, as S3 does, so a client author can compare them with their own.
public struct SigV4VerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A kind of verification failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case missingAuthentication, malformedAuthorization, unknownAccessKey, signatureMismatch, wrongRegion
            case expired, requestTimeTooSkewed
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Neither an `Authorization` header nor presigned query parameters.
        public static let missingAuthentication = Code(.missingAuthentication)
        /// The header or query parameters cannot be parsed, or a required part is missing.
        public static let malformedAuthorization = Code(.malformedAuthorization)
        /// No secret is known for the access key id.
        public static let unknownAccessKey = Code(.unknownAccessKey)
        /// The recomputed signature differs.
        public static let signatureMismatch = Code(.signatureMismatch)
        /// The credential scope names another region than the server's.
        public static let wrongRegion = Code(.wrongRegion)
        /// A presigned URL's validity has passed.
        public static let expired = Code(.expired)
        /// The request time is too far from the server's clock.
        public static let requestTimeTooSkewed = Code(.requestTimeTooSkewed)

        /// The code's name.
        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What S3 would say, for the error document's `Message`.
    public var message: String
    /// S3's error `Code`, such as `SignatureDoesNotMatch` or `AuthorizationHeaderMalformed`.
    public var s3Code: String
    /// The HTTP status S3 answers with: 400 for malformed requests, 403 otherwise.
    public var httpStatus: Int
    /// The access key id the request named, when it could be read.
    public var accessKeyId: String?
    /// For ``Code/wrongRegion``: the server's region.
    public var expectedRegion: String?
    /// For ``Code/wrongRegion``: the region the request was signed for.
    public var givenRegion: String?
    /// For time failures: the time the request claimed.
    public var requestTime: Date?
    /// For time failures: the server's time.
    public var serverTime: Date?
    /// For ``Code/expired``: when the presigned URL stopped being valid.
    public var expiresAt: Date?
    /// For ``Code/signatureMismatch``: the canonical request the server computed.
    public var canonicalRequest: String?
    /// For ``Code/signatureMismatch``: the string to sign the server computed.
    public var stringToSign: String?

    init(code: Code, s3Code: String, httpStatus: Int, message: String) {
        self.code = code
        self.s3Code = s3Code
        self.httpStatus = httpStatus
        self.message = message
    }

    /// The code, S3 code and message.
    public var description: String { "\(code) (\(s3Code), HTTP \(httpStatus)): \(message)" }

    static func missing() -> Self {
        Self(
            code: .missingAuthentication, s3Code: "AccessDenied", httpStatus: 403,
            message: "Access Denied: the request is not signed (no Authorization header, no X-Amz-Signature).")
    }

    static func malformed(_ detail: String, presigned: Bool) -> Self {
        presigned
            ? Self(
                code: .malformedAuthorization, s3Code: "AuthorizationQueryParametersError", httpStatus: 400,
                message: "Error parsing the X-Amz-Credential parameter or another X-Amz-* parameter: \(detail)")
            : Self(
                code: .malformedAuthorization, s3Code: "AuthorizationHeaderMalformed", httpStatus: 400,
                message: "The authorization header is malformed: \(detail)")
    }

    static func unknownKey(_ accessKeyId: String) -> Self {
        var error = Self(
            code: .unknownAccessKey, s3Code: "InvalidAccessKeyId", httpStatus: 403,
            message: "The access key id you provided does not exist in our records.")
        error.accessKeyId = accessKeyId
        return error
    }

    static func wrongRegion(expected: String, given: String, presigned: Bool) -> Self {
        let detail = "the region '\(given)' is wrong; expecting '\(expected)'"
        var error =
            presigned
            ? Self(
                code: .wrongRegion, s3Code: "AuthorizationQueryParametersError", httpStatus: 400,
                message: "Error parsing the X-Amz-Credential parameter; \(detail)")
            : Self(
                code: .wrongRegion, s3Code: "AuthorizationHeaderMalformed", httpStatus: 400,
                message: "The authorization header is malformed; \(detail)")
        error.expectedRegion = expected
        error.givenRegion = given
        return error
    }

    static func mismatch(accessKeyId: String, canonicalRequest: String, stringToSign: String) -> Self {
        var error = Self(
            code: .signatureMismatch, s3Code: "SignatureDoesNotMatch", httpStatus: 403,
            message:
                "The request signature we calculated does not match the signature you provided. "
                + "Check your key and signing method.")
        error.accessKeyId = accessKeyId
        error.canonicalRequest = canonicalRequest
        error.stringToSign = stringToSign
        return error
    }

    static func expired(expiresAt: Date, now: Date) -> Self {
        var error = Self(code: .expired, s3Code: "AccessDenied", httpStatus: 403, message: "Request has expired")
        error.expiresAt = expiresAt
        error.serverTime = now
        return error
    }

    static func skewed(requestTime: Date, now: Date) -> Self {
        var error = Self(
            code: .requestTimeTooSkewed, s3Code: "RequestTimeTooSkewed", httpStatus: 403,
            message:
                "The difference between the request time (\(SigV4Timestamp(requestTime).amzDate)) and the server "
                + "time (\(SigV4Timestamp(now).amzDate)) is too large.")
        error.requestTime = requestTime
        error.serverTime = now
        return error
    }
}
