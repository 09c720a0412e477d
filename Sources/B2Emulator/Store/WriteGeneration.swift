import Synchronization

/// A counter of committed metadata writes.
///
/// A cache entry is tagged with the generation read *before* its query and served only while the generation is
/// unchanged; writes advance it *after* they commit, so no entry outlives a write that could have changed it.
final class WriteGeneration: Sendable {
    private let value = Atomic<UInt64>(0)

    var current: UInt64 { value.load(ordering: .acquiring) }

    func advance() { value.add(1, ordering: .releasing) }
}
