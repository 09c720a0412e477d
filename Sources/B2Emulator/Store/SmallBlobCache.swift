import DequeModule
import NIOCore
import Synchronization

/// The bytes of recently read small blobs, bounded in total size, evicted oldest first.
///
/// Blobs never change once written, and a deleted blob is no longer reachable through metadata, so entries need
/// no invalidation: they only age out.
final class SmallBlobCache: Sendable {
    /// Blobs larger than this are never cached.
    static let maximumBlobSize = 256 * 1024
    private static let maximumTotalSize = 64 * 1024 * 1024

    private struct State {
        var blobs: [String: ByteBuffer] = [:]
        var order: Deque<String> = []
        var totalSize = 0
    }

    private let state = Mutex(State())

    func bytes(of blob: String) -> ByteBuffer? {
        state.withLock { $0.blobs[blob] }
    }

    func store(_ bytes: ByteBuffer, for blob: String) {
        guard bytes.readableBytes <= Self.maximumBlobSize else { return }
        state.withLock { state in
            guard state.blobs[blob] == nil else { return }
            state.blobs[blob] = bytes
            state.order.append(blob)
            state.totalSize += bytes.readableBytes
            while state.totalSize > Self.maximumTotalSize, let oldest = state.order.popFirst() {
                state.totalSize -= state.blobs.removeValue(forKey: oldest)?.readableBytes ?? 0
            }
        }
    }
}
