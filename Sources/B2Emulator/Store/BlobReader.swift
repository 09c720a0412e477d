import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a bounded slice of a blob in one trip to the blocking thread pool (open, pread, close).
enum BlobReader {
    /// The largest slice read in one piece; larger downloads stream.
    static let maximumSliceSize = 1 << 20

    static func read(_ path: String, offset: Int64, count: Int) async throws -> ByteBuffer {
        try await NIOThreadPool.singleton.runIfActive {
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { throw B2APIError.internalError("The stored bytes are missing: \(path)") }
            defer { close(descriptor) }
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            var done = 0
            while done < count {
                let got = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - done) { bytes in
                    max(0, pread(descriptor, bytes.baseAddress, count - done, off_t(offset) + off_t(done)))
                }
                guard got > 0 else { throw B2APIError.internalError("The stored bytes are shorter than recorded") }
                done += got
            }
            return buffer
        }
    }
}
