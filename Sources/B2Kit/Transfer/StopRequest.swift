import Synchronization

/// A request to stop, made once (by a signal, say), and seen by every request of the task that runs under it.
///
/// While a request is `current` (``StopRequest/current``, a task-local inherited by child tasks) and has been
/// made, `RetryLoop` sends nothing more and waits no longer: a request that would try again, or start, ends at once
/// with `B2Error.Code.cancelled`. A request already moving bytes goes on; `SyncEngine` gives such transfers a grace
/// period and then cancels them.
///
/// ```swift
/// let stop = StopRequest()
/// // in a signal handler: stop.request()
/// try await StopRequest.$current.withValue(stop) { try await client.upload(...) }
/// ```
public final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)

    /// The request the current task runs under, if any.
    @TaskLocal public static var current: StopRequest?

    /// Creates a request that has not been made.
    public init() {}

    /// Makes the request; only the first call counts.
    public func request() { flag.store(true, ordering: .relaxed) }

    /// True once the request was made.
    public var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Waits until the request is made or `duration` (if given) has passed, whichever comes first.
    /// - Returns: true when the request was made.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    @discardableResult
    public func wait(upTo duration: Duration? = nil) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = duration.map { clock.now.advanced(by: $0) }
        while !isRequested {
            var step = Self.pollInterval
            if let deadline {
                let left = clock.now.duration(to: deadline)
                guard left > .zero else { return false }
                step = min(step, left)
            }
            try await Task.sleep(for: step)
        }
        return true
    }

    /// How often a wait looks at the flag: a stop is seen within this long.
    static let pollInterval = Duration.milliseconds(20)
}
