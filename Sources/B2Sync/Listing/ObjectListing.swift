/// Any listing of sync objects, so a plan can join a bucket with a folder in either direction.
public struct ObjectListing: AsyncSequence {
    /// An object.
    public typealias Element = SyncObject

    private let make: () -> AsyncIterator

    /// Wraps a listing.
    public init<Base: AsyncSequence>(_ base: Base) where Base.Element == SyncObject {
        make = {
            let box = IteratorBox(base.makeAsyncIterator())
            return AsyncIterator(advance: box.next)
        }
    }

    /// Starts the listing.
    public func makeAsyncIterator() -> AsyncIterator { make() }

    /// Advances the wrapped listing.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let advance: () async throws -> SyncObject?

        /// The next object.
        public mutating func next() async throws -> SyncObject? { try await advance() }
    }

    private final class IteratorBox<Iterator: AsyncIteratorProtocol> where Iterator.Element == SyncObject {
        var iterator: Iterator
        init(_ iterator: Iterator) { self.iterator = iterator }
        func next() async throws -> SyncObject? { try await iterator.next() }
    }
}
