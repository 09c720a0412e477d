import Crypto
import Foundation
import NIOCore
import _CryptoExtras

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// AES-256 in counter mode over one stored file (a blob, or one part of a large file's blob), so that any range can
/// be read and written without the bytes before it.
///
/// The counter block is a 96-bit nonce taken from the piece's name (`<blob>` or `<fileId>/<part>`) and a 32-bit
/// block number, so a piece of up to 64 GiB has a keystream of its own under one key.
struct BlobCipher: Sendable {
    let key: AESKey
    private let nonce: [UInt8]

    /// A cipher for the piece named `name` (see ``pieceName(ofPath:)``).
    init(key: AESKey, pieceName name: String) {
        self.key = key
        nonce = Array(SHA256.hash(data: Data(("b2kit-blob:" + name).utf8)).prefix(12))
    }

    /// A cipher for the stored file at `path`.
    init(key: AESKey, path: String) {
        self.init(key: key, pieceName: Self.pieceName(ofPath: path))
    }

    /// The name a piece's keystream is derived from: the blob's name for a blob of one file, `<fileId>/<part>` for a
    /// part (the same before and after finishing the large file moves its parts folder).
    static func pieceName(ofPath path: String) -> String {
        let components = path.split(separator: "/")
        guard let last = components.last else { return path }
        if components.count >= 2 {
            let parent = components[components.count - 2]
            if parent != "blobs" && parent != "parts" && parent != "tmp" { return "\(parent)/\(last)" }
        }
        return String(last)
    }

    /// Encrypts or decrypts (the same operation) `bytes` that sit at `offset` in the piece.
    func apply(_ bytes: UnsafeMutableRawBufferPointer, at offset: Int64) throws {
        guard !bytes.isEmpty else { return }
        let skip = Int(offset % 16)
        var counter = nonce
        let block = UInt32(truncatingIfNeeded: offset / 16)
        counter += [UInt8(block >> 24), UInt8((block >> 16) & 0xFF), UInt8((block >> 8) & 0xFF), UInt8(block & 0xFF)]
        var input = [UInt8](repeating: 0, count: skip + bytes.count)
        input.withUnsafeMutableBytes {
            $0.baseAddress!.advanced(by: skip).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
        let output = try AES._CTR.encrypt(
            input, using: key.symmetricKey, nonce: try AES._CTR.Nonce(nonceBytes: counter))
        output.withUnsafeBytes { source in
            bytes.baseAddress!.copyMemory(from: source.baseAddress!.advanced(by: skip), byteCount: bytes.count)
        }
    }

    /// Applies the cipher to the readable bytes of `buffer`, which sit at `offset` in the piece.
    func apply(_ buffer: inout ByteBuffer, at offset: Int64) throws {
        let start = buffer.readerIndex
        let count = buffer.readableBytes
        try buffer.withUnsafeMutableReadableBytes { try apply($0, at: offset) }
        precondition(buffer.readerIndex == start && buffer.readableBytes == count)
    }

    /// Encrypts the file at `path` in place, 1 MiB at a time (blocking: run it on the thread pool).
    func encryptFile(atPath path: String) throws {
        let descriptor = open(path, O_RDWR)
        guard descriptor >= 0 else { throw B2APIError.internalError("Could not open \(path) to encrypt it") }
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset: Int64 = 0
        while true {
            let got = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            guard got >= 0 else { throw B2APIError.internalError("Could not read \(path) to encrypt it") }
            if got == 0 { break }
            try chunk.withUnsafeMutableBytes {
                try apply(UnsafeMutableRawBufferPointer(rebasing: $0[..<got]), at: offset)
            }
            let written = chunk.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, got, off_t(offset)) }
            guard written == got else { throw B2APIError.internalError("Could not write \(path) encrypted") }
            offset += Int64(got)
        }
        guard fsync(descriptor) == 0 else { throw B2APIError.internalError("Could not flush \(path)") }
    }
}

extension BlobCipher {
    /// Writes the plain bytes of `range` of the encrypted blob at `source` (one file, or a folder of parts, each
    /// with its own keystream) into a new file at `destination` (blocking: run it on the thread pool).
    static func copyDecrypted(
        from source: String, range: ClosedRange<Int64>?, key: AESKey, into destination: String
    ) throws {
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard output >= 0 else { throw B2APIError.internalError("Could not create \(destination)") }
        defer { close(output) }
        let segments = try BlobSegments.of(source)
        let total = segments.reduce(0) { $0 + $1.length }
        guard let range = range ?? (total > 0 ? 0...(total - 1) : nil) else { return }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        for piece in BlobSegments.pieces(of: segments, covering: range) {
            let cipher = BlobCipher(key: key, path: piece.path)
            let input = open(piece.path, O_RDONLY)
            guard input >= 0 else { throw B2APIError.internalError("The stored bytes are missing: \(piece.path)") }
            defer { close(input) }
            var offset = piece.range.lowerBound
            while offset <= piece.range.upperBound {
                let want = Int(min(Int64(chunk.count), piece.range.upperBound - offset + 1))
                let got = chunk.withUnsafeMutableBytes { pread(input, $0.baseAddress, want, off_t(offset)) }
                guard got > 0 else { throw B2APIError.internalError("The stored bytes are shorter than recorded") }
                try chunk.withUnsafeMutableBytes {
                    try cipher.apply(UnsafeMutableRawBufferPointer(rebasing: $0[..<got]), at: offset)
                }
                guard chunk.withUnsafeBytes({ write(output, $0.baseAddress, got) }) == got else {
                    throw B2APIError.internalError("Could not write \(destination)")
                }
                offset += Int64(got)
            }
        }
    }
}
