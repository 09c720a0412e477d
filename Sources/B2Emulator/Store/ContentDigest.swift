import B2SigV4
import Crypto
import NIOCore

/// SHA-1 (and optionally MD5) computed while bytes stream past.
struct ContentDigest {
    private var sha1 = Insecure.SHA1()
    private var md5: Insecure.MD5?

    init(includeMD5: Bool) {
        md5 = includeMD5 ? Insecure.MD5() : nil
    }

    mutating func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            sha1.update(bufferPointer: bytes)
            md5?.update(bufferPointer: bytes)
        }
    }

    /// The lower-case hex SHA-1 and MD5 (nil when not computed).
    func finalize() -> (sha1: String, md5: String?) {
        (Hex.string(sha1.finalize()), md5.map { Hex.string($0.finalize()) })
    }

    /// The MD5 of `bytes`.
    static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }

    /// The SHA-1 of no bytes, which B2 reports for hide markers.
    static let emptySHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"

    /// True when `text` is 40 hex digits.
    static func isSHA1Hex(_ text: String) -> Bool {
        text.utf8.count == 40
            && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
    }
}
