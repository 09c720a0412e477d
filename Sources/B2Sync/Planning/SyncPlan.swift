import B2Kit
import Synchronization

/// The decisions of a sync, one per name, made by merge-joining two listings in B2's order.
///
/// Both listings stream; the plan holds one object of each at a time, so memory stays flat whatever the number of
/// objects. Names the filter drops are passed over on both sides: an excluded name is neither copied nor deleted.
public struct SyncPlan<Source: AsyncSequence, Destination: AsyncSequence>: AsyncSequence
where Source.Element == SyncObject, Destination.Element == SyncObject {
    /// A decision.
    public typealias Element = SyncDecision

    let source: Source
    let destination: Destination
    let filter: SyncFilter
    let statistics: FilterStatistics
    let isSame: (SyncObject, SyncObject) async throws -> Bool

    /// Creates a plan.
    /// - Parameters:
    ///   - source: the source's objects, in B2's order.
    ///   - destination: the destination's objects, in B2's order.
    ///   - filter: which names to consider.
    ///   - statistics: counts which rule decided how many names (to report includes that matched nothing).
    ///   - isSame: true when the destination's object already is the source's (size and time, or checksum).
    public init(
        source: Source,
        destination: Destination,
        filter: SyncFilter,
        statistics: FilterStatistics,
        isSame: @escaping (SyncObject, SyncObject) async throws -> Bool
    ) {
        self.source = source
        self.destination = destination
        self.filter = filter
        self.statistics = statistics
        self.isSame = isSame
    }

    /// Starts the merge.
    public func makeAsyncIterator() -> Iterator {
        Iterator(
            source: OrderedSide(base: source.makeAsyncIterator(), side: "source"),
            destination: OrderedSide(base: destination.makeAsyncIterator(), side: "destination"),
            filter: filter, statistics: statistics, isSame: isSame
        )
    }

    /// Merges the two sides.
    public struct Iterator: AsyncIteratorProtocol {
        var source: OrderedSide<Source.AsyncIterator>
        var destination: OrderedSide<Destination.AsyncIterator>
        let filter: SyncFilter
        let statistics: FilterStatistics
        let isSame: (SyncObject, SyncObject) async throws -> Bool

        /// The next decision, in name order.
        /// - Throws: the listings' errors, or `B2Error` `.server` when a listing is out of order.
        public mutating func next() async throws -> SyncDecision? {
            let left = try await peek(&source, counting: true)
            let right = try await peek(&destination, counting: false)
            switch (left, right) {
            case (nil, nil):
                return nil
            case (let object?, nil):
                source.pending = nil
                return decideNew(object)
            case (nil, let object?):
                destination.pending = nil
                return .delete(object)
            case (let from?, let to?):
                if from.name.precedesInB2Order(to.name) {
                    source.pending = nil
                    return decideNew(from)
                }
                if to.name.precedesInB2Order(from.name) {
                    destination.pending = nil
                    return .delete(to)
                }
                source.pending = nil
                destination.pending = nil
                guard filter.isRecentEnough(modifiedMillis: from.modifiedMillis) else { return .tooOld(from) }
                return try await isSame(from, to) ? .skip(from) : .copy(from, .changed)
            }
        }

        private func decideNew(_ object: SyncObject) -> SyncDecision {
            filter.isRecentEnough(modifiedMillis: object.modifiedMillis) ? .copy(object, .new) : .tooOld(object)
        }

        /// The side's next object the filter keeps, left pending until a decision consumes it.
        private func peek<Base>(_ side: inout OrderedSide<Base>, counting: Bool) async throws -> SyncObject? {
            while true {
                if let pending = side.pending { return pending }
                guard let object = try await side.advance() else { return nil }
                let rule = filter.decidingRule(for: object.name)
                if counting { statistics.record(rule: rule) }
                if filter.includes(object.name) { side.pending = object }
            }
        }
    }
}

/// One side of the merge: checks the order of what its listing yields.
public struct OrderedSide<Base: AsyncIteratorProtocol> where Base.Element == SyncObject {
    var base: Base
    let side: String
    var pending: SyncObject?
    private var last: String?

    init(base: Base, side: String) {
        self.base = base
        self.side = side
    }

    mutating func advance() async throws -> SyncObject? {
        guard let object = try await base.next() else { return nil }
        if let last, !last.precedesInB2Order(object.name) {
            throw B2Error(
                .server,
                "The \(side) listing is out of order (\"\(object.name)\" after \"\(last)\"): b2kit cannot merge it; "
                    + "report this with the two names"
            )
        }
        last = object.name
        return object
    }
}

/// How many source names each filter rule decided, to say when an include matched nothing.
public final class FilterStatistics: Sendable {
    private let counts: Mutex<[Int: Int]> = Mutex([:])
    private let undecided = Atomic<Int>(0)

    /// Creates empty statistics.
    public init() {}

    func record(rule: Int?) {
        guard let rule else {
            undecided.add(1, ordering: .relaxed)
            return
        }
        counts.withLock { $0[rule, default: 0] += 1 }
    }

    /// The number of source names rule `index` decided.
    public func count(forRule index: Int) -> Int {
        counts.withLock { $0[index] ?? 0 }
    }

    /// The include patterns of `filter` that matched no source name.
    public func unmatchedIncludes(of filter: SyncFilter) -> [Glob] {
        filter.rules.enumerated().compactMap { index, rule in
            if case .include(let glob) = rule, count(forRule: index) == 0 { return glob }
            return nil
        }
    }
}
