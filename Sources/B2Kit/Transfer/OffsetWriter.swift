import NIOCore
import _NIOFileSystem

/// Writes a run of consecutive chunks at a file offset, gathering them into large writes (one trip to the I/O
/// thread pool per mebibyte instead of per network chunk).
struct OffsetWriter<Handle: WritableFileHandleProtocol> {
    private let handle: Handle
    private var position: Int64
    private var pending = ByteBuffer()
    private static var threshold: Int { 1 << 20 }

    init(handle: Handle, startingAt position: Int64) {
        self.handle = handle
        self.position = position
    }

    mutating func append(_ chunk: ByteBuffer) async throws {
        var chunk = chunk
        if pending.readableBytes == 0, chunk.readableBytes >= Self.threshold {
            try await handle.write(contentsOf: chunk, toAbsoluteOffset: position)
            position += Int64(chunk.readableBytes)
            return
        }
        pending.writeBuffer(&chunk)
        if pending.readableBytes >= Self.threshold { try await flush() }
    }

    mutating func flush() async throws {
        guard pending.readableBytes > 0 else { return }
        try await handle.write(contentsOf: pending, toAbsoluteOffset: position)
        position += Int64(pending.readableBytes)
        pending.clear()
    }
}
