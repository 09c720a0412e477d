/// A listing with nothing in it: a destination folder a dry run has not created.
struct EmptyListing: AsyncSequence, Sendable {
    typealias Element = SyncObject
    struct AsyncIterator: AsyncIteratorProtocol {
        mutating func next() async throws -> SyncObject? { nil }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
}
