import B2SigV4
import Crypto

/// The digest a store holds for a whole object, which a download checks its bytes against: B2's SHA-1 on the native
/// API, the MD5 in a single-part ETag on the S3 API.
public enum ObjectDigest: Sendable, Equatable {
    /// A SHA-1, in lower-case hex.
    case sha1(String)
    /// An MD5, in lower-case hex.
    case md5(String)

    /// The digest in hex.
    public var hex: String {
        switch self {
        case .sha1(let hex), .md5(let hex): hex
        }
    }

    /// The digest an S3 ETag holds: the MD5 of a single-part upload (32 hex digits); nil for a multipart ETag
    /// (`<hex>-<parts>`), which is no digest of the bytes.
    static func s3(eTag: String?) -> ObjectDigest? {
        guard let eTag, eTag.utf8.count == 32, eTag.utf8.allSatisfy(Hex.isLowerHexDigit) else { return nil }
        return .md5(eTag)
    }

    /// A hasher of the same kind, to compute the digest of received bytes.
    func makeHasher() -> Hasher {
        switch self {
        case .sha1: Hasher(kind: .sha1(Insecure.SHA1()))
        case .md5: Hasher(kind: .md5(Insecure.MD5()))
        }
    }

    /// The integrity error for bytes that hash to `actual` instead.
    func mismatch(_ actual: String, of address: String, context: B2Error.Context) -> B2Error {
        B2Error(
            .integrity, "The downloaded bytes of \(address) hash to \(actual), but the store holds \(hex): retry",
            context: context)
    }

    /// Computes a SHA-1 or an MD5 over bytes given in order.
    struct Hasher {
        fileprivate enum Kind {
            case sha1(Insecure.SHA1)
            case md5(Insecure.MD5)
        }
        fileprivate var kind: Kind

        /// Adds `bytes`.
        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            switch kind {
            case .sha1(var hasher):
                hasher.update(bufferPointer: bytes)
                kind = .sha1(hasher)
            case .md5(var hasher):
                hasher.update(bufferPointer: bytes)
                kind = .md5(hasher)
            }
        }

        /// The digest of every byte added, in hex.
        func finalize() -> String {
            switch kind {
            case .sha1(let hasher): Hex.string(hasher.finalize())
            case .md5(let hasher): Hex.string(hasher.finalize())
            }
        }
    }
}
