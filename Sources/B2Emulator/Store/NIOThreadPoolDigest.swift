import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hashes a file on the blocking thread pool.
enum NIOThreadPoolDigest {
    static func digest(_ path: String) async throws -> (sha1: String, md5: String?) {
        try await NIOThreadPool.singleton.runIfActive {
            let input = open(path, O_RDONLY)
            guard input >= 0 else { throw B2APIError.internalError("Could not open \(path) (errno \(errno))") }
            defer { close(input) }
            var digest = ContentDigest(includeMD5: true)
            var buffer = ByteBuffer()
            buffer.reserveCapacity(4 << 20)
            while true {
                buffer.clear()
                let got = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 4 << 20) { bytes in
                    max(0, read(input, bytes.baseAddress, bytes.count))
                }
                if got == 0 { break }
                digest.update(buffer)
            }
            return digest.finalize()
        }
    }
}
