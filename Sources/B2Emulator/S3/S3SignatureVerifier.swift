import Foundation
import Hummingbird

/// What a verified S3 signature established.
struct S3Signature: Sendable, Equatable {
    /// The application key id that signed.
    let accessKeyId: String
    /// True for a presigned URL (query authentication).
    let isPresigned: Bool
}

/// Checks an S3 request's SigV4 signature (header or presigned query) against an application key's secret.
///
/// The seam between the S3 handlers and the signing code: the emulator uses ``SigV4RequestVerifier``; tests may
/// substitute their own.
protocol S3SignatureVerifier: Sendable {
    /// Verifies a request.
    ///
    /// - Parameters:
    ///   - request: the request as received.
    ///   - now: the server's clock.
    ///   - secret: the application key for a key id, or nil when there is none.
    /// - Returns: who signed.
    /// - Throws: ``S3Error`` with S3's code (`SignatureDoesNotMatch`, `AuthorizationHeaderMalformed` naming the
    ///   expected region, `InvalidAccessKeyId`, `AccessDenied` for a missing or expired signature).
    func verify(_ request: Request, now: Date, secret: @Sendable (String) -> String?) async throws -> S3Signature
}

extension Request {
    /// The access key id a SigV4 request names (in the `Authorization` header or `X-Amz-Credential`), unverified.
    var s3AccessKeyId: String? {
        let credential: Substring
        if let header = headers[.authorization], let range = header.range(of: "Credential=") {
            credential = header[range.upperBound...]
        } else if let query = uri.queryParameters["X-Amz-Credential"] {
            credential = Substring(String(query))
        } else {
            return nil
        }
        guard let slash = credential.firstIndex(of: "/") else { return nil }
        return String(credential[..<slash])
    }
}
