import Crypto
import Foundation
import NIOCore

/// The additional checksums newer AWS SDKs send (`x-amz-checksum-<algorithm>`, as a header or an `aws-chunked`
/// trailer): base64 of the big-endian digest of the object's bytes.
enum S3ChecksumAlgorithm: String, CaseIterable, Sendable {
    case crc32, crc32c, crc64nvme, sha1, sha256

    /// The header (or trailer) name, such as `x-amz-checksum-crc32`.
    var headerName: String { "x-amz-checksum-" + rawValue }

    /// The algorithm a header or trailer name stands for.
    init?(headerName: String) {
        let lowered = headerName.lowercased()
        guard lowered.hasPrefix("x-amz-checksum-") else { return nil }
        self.init(rawValue: String(lowered.dropFirst("x-amz-checksum-".count)))
    }
}

/// One checksum computed while bytes stream past.
struct S3Checksummer {
    let algorithm: S3ChecksumAlgorithm
    private var crc: UInt64
    private var sha1: Insecure.SHA1?
    private var sha256: SHA256?

    init(_ algorithm: S3ChecksumAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .crc32, .crc32c: crc = 0xFFFF_FFFF
        case .crc64nvme: crc = 0xFFFF_FFFF_FFFF_FFFF
        case .sha1, .sha256: crc = 0
        }
        sha1 = algorithm == .sha1 ? Insecure.SHA1() : nil
        sha256 = algorithm == .sha256 ? SHA256() : nil
    }

    mutating func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            switch algorithm {
            case .crc32:
                var value = UInt32(truncatingIfNeeded: crc)
                for byte in bytes { value = CRCTables.crc32[Int((value ^ UInt32(byte)) & 0xFF)] ^ (value >> 8) }
                crc = UInt64(value)
            case .crc32c:
                var value = UInt32(truncatingIfNeeded: crc)
                for byte in bytes { value = CRCTables.crc32c[Int((value ^ UInt32(byte)) & 0xFF)] ^ (value >> 8) }
                crc = UInt64(value)
            case .crc64nvme:
                var value = crc
                for byte in bytes { value = CRCTables.crc64nvme[Int((value ^ UInt64(byte)) & 0xFF)] ^ (value >> 8) }
                crc = value
            case .sha1: sha1!.update(bufferPointer: bytes)
            case .sha256: sha256!.update(bufferPointer: bytes)
            }
        }
    }

    /// The checksum as S3 writes it: base64 of the big-endian digest.
    func finalize() -> String {
        let bytes: [UInt8]
        switch algorithm {
        case .crc32, .crc32c:
            let value = UInt32(truncatingIfNeeded: crc) ^ 0xFFFF_FFFF
            bytes = (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
        case .crc64nvme:
            let value = crc ^ 0xFFFF_FFFF_FFFF_FFFF
            bytes = (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
        case .sha1: bytes = Array(sha1!.finalize())
        case .sha256: bytes = Array(sha256!.finalize())
        }
        return Data(bytes).base64EncodedString()
    }
}

/// Lookup tables of the reflected CRCs S3 offers.
private enum CRCTables {
    static let crc32 = table32(polynomial: 0xEDB8_8320)
    static let crc32c = table32(polynomial: 0x82F6_3B78)
    static let crc64nvme: [UInt64] = (0..<256).map { index in
        var value = UInt64(index)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0x9A6C_9329_AC4B_C9B5 : value >> 1 }
        return value
    }

    static func table32(polynomial: UInt32) -> [UInt32] {
        (0..<256).map { index in
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ polynomial : value >> 1 }
            return value
        }
    }
}
