import B2SigV4
import Foundation
import Hummingbird

/// Verifies S3 requests with `B2SigV4`'s verifier for the emulator's region, answering failures as S3 errors.
struct SigV4RequestVerifier: S3SignatureVerifier {
    let verifier: SigV4Verifier

    /// A verifier for requests signed for `region` and service `s3`.
    init(region: String) {
        verifier = SigV4Verifier(region: region)
    }

    func verify(_ request: Request, now: Date, secret: @Sendable (String) -> String?) async throws -> S3Signature {
        let incoming = SigV4IncomingRequest(
            method: request.method.rawValue,
            target: request.head.path ?? "/",
            headers: request.headers.map { SigV4Request.Header($0.name.canonicalName, $0.value) }
                + [SigV4Request.Header("host", request.head.authority ?? "")]
        )
        do {
            let verified = try await verifier.verify(incoming, now: now) { secret($0) }
            if case .presigned = verified.method {
                return S3Signature(accessKeyId: verified.accessKeyId, isPresigned: true)
            }
            return S3Signature(accessKeyId: verified.accessKeyId, isPresigned: false)
        } catch let error as SigV4VerificationError {
            var message = error.message
            var details: [(String, String)] = []
            if let expected = error.expectedRegion {
                message += ": this endpoint serves region \(expected); sign requests for \(expected)"
                details.append(("Region", expected))
            }
            if let canonical = error.canonicalRequest, let toSign = error.stringToSign {
                details.append(("CanonicalRequest", canonical))
                details.append(("StringToSign", toSign))
            }
            if let keyId = error.accessKeyId { details.append(("AWSAccessKeyId", keyId)) }
            throw S3Error(.init(code: error.httpStatus), error.s3Code, message, details: details)
        }
    }
}
