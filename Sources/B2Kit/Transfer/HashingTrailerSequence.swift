import B2SigV4
import Crypto
import NIOCore

/// Passes chunks through while hashing them, then appends the 40 hex digits of their SHA-1, for uploads sent
/// with `X-Bz-Content-Sha1: hex_digits_at_end` (one pass over the data, nothing held).
struct HashingTrailerSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    /// Receives the hex SHA-1 once the base sequence ends.
    let onDigest: @Sendable (String) -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        var hasher = Insecure.SHA1()
        var done = false
        let onDigest: @Sendable (String) -> Void

        mutating func next() async throws -> ByteBuffer? {
            if done { return nil }
            if let chunk = try await base.next() {
                chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                return chunk
            }
            done = true
            let hex = Hex.string(hasher.finalize())
            onDigest(hex)
            return ByteBuffer(string: hex)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), onDigest: onDigest)
    }
}
