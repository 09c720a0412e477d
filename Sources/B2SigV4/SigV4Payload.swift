import Crypto

/// What a request says about its body in `x-amz-content-sha256` and in the canonical request.
public struct SigV4Payload: Sendable, Hashable, CustomStringConvertible {
    /// The value placed in the canonical request and the `x-amz-content-sha256` header.
    public let hash: String

    /// A body that is not signed: `UNSIGNED-PAYLOAD` (also the rule for presigned URLs).
    public static let unsigned = SigV4Payload(hash: "UNSIGNED-PAYLOAD")
    /// An empty body, signed: the SHA-256 of no bytes.
    public static let empty = SigV4Payload(
        hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    /// The `aws-chunked` signed streaming form (each chunk signed).
    public static let streamingSigned = SigV4Payload(hash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
    /// The `aws-chunked` unsigned streaming form with a checksum trailer, as newer AWS SDKs send.
    public static let streamingUnsignedTrailer = SigV4Payload(hash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER")

    /// A signed body: the hex SHA-256 of its bytes.
    /// - Parameter bytes: The whole body.
    /// - Returns: The payload description.
    public static func sha256<Bytes: Sequence>(of bytes: Bytes) -> SigV4Payload where Bytes.Element == UInt8 {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return SigV4Payload(hash: Hex.string(hasher.finalize()))
    }

    /// A signed body whose SHA-256 is already known (for instance computed while streaming a file once).
    /// - Parameter hexDigest: The lower-case hex SHA-256 of the body.
    /// - Returns: The payload description.
    public static func precomputed(sha256 hexDigest: String) -> SigV4Payload {
        SigV4Payload(hash: hexDigest.lowercased())
    }

    /// Whether the body's bytes are covered by the signature (a hex SHA-256 rather than a marker).
    public var isSignedDigest: Bool {
        hash.utf8.count == 64 && hash.utf8.allSatisfy { Hex.isLowerHexDigit($0) }
    }

    /// Creates a payload description from the exact header value.
    /// - Parameter hash: The `x-amz-content-sha256` value.
    public init(hash: String) { self.hash = hash }

    /// The header value.
    public var description: String { hash }
}
