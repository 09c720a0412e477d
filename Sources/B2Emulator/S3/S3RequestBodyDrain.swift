import Hummingbird
import NIOCore

/// Lets S3 keep a connection usable after an error answered before the request body was read: the handler reads
/// the body through this object, and afterwards whatever it left unread can be read and discarded.
///
/// Handlers read the body at most once and the drain runs after they return, so the iterator is never used from
/// two tasks at once.
final class S3RequestBodyDrain: @unchecked Sendable {
    private let body: RequestBody
    private var iterator: RequestBody.AsyncIterator?
    private var finished = false

    init(_ body: RequestBody) {
        self.body = body
    }

    /// The body for the handler to read.
    var requestBody: RequestBody { RequestBody(asyncSequence: Sequence(drain: self)) }

    fileprivate func next() async throws -> ByteBuffer? {
        guard !finished else { return nil }
        var current = iterator ?? body.makeAsyncIterator()
        let buffer = try await current.next()
        iterator = current
        if buffer == nil { finished = true }
        return buffer
    }

    /// Reads and discards what is left of the body, up to `limit` bytes.
    ///
    /// - Returns: true when the body was read to its end (the connection can carry the next request).
    func discardRest(limit: Int) async -> Bool {
        var total = 0
        while !finished {
            guard let buffer = try? await next() else { return finished }
            total += buffer.readableBytes
            if total > limit { return false }
        }
        return true
    }

    fileprivate struct Sequence: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let drain: S3RequestBodyDrain

        func makeAsyncIterator() -> Iterator { Iterator(drain: drain) }

        struct Iterator: AsyncIteratorProtocol {
            let drain: S3RequestBodyDrain
            func next() async throws -> ByteBuffer? { try await drain.next() }
        }
    }
}
