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
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            guard count > 0 else { return buffer }
            let pieces = BlobSegments.pieces(
                of: try BlobSegments.of(path), covering: offset...(offset + Int64(count) - 1)
            )
            for piece in pieces {
                let descriptor = open(piece.path, O_RDONLY)
                guard descriptor >= 0 else {
                    throw B2APIError.internalError("The stored bytes are missing: \(piece.path)")
                }
                defer { close(descriptor) }
                let want = Int(piece.range.upperBound - piece.range.lowerBound + 1)
                var done = 0
                while done < want {
                    let got = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want - done) { bytes in
                        max(
                            0,
                            pread(
                                descriptor, bytes.baseAddress, want - done, off_t(piece.range.lowerBound) + off_t(done))
                        )
                    }
                    guard got > 0 else { throw B2APIError.internalError("The stored bytes are shorter than recorded") }
                    done += got
                }
            }
            guard buffer.readableBytes == count else {
                throw B2APIError.internalError("The stored bytes are shorter than recorded")
            }
            return buffer
        }
    }
}
