import Synchronization

/// Ends every retry of one client once its hosts have been unreachable for a while.
///
/// Each transport failure (a refused connection, a connect or read timeout) is recorded with the time its attempt
/// started, and any answer from the host, whatever its status, resets the count. When failures alone have come
/// for `window` (counted from the start of the first failed attempt since the last answer, so one attempt that
/// hung until its deadline counts in full), the breaker opens:
/// `RetryLoop` then throws `B2Error.Code.unreachable` for every attempt of every caller sharing it, instead of
/// each request retrying on its own for minutes. After another `window` one attempt may probe again; an answer
/// closes the breaker, a failure opens it at once.
///
/// A `B2Client` makes one at creation and shares it with the `S3Client` it makes, so one outage ends all of them.
public final class CircuitBreaker: Sendable {
    /// How long only failures must come before the breaker opens.
    public let window: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())

    struct State {
        /// When the host last answered.
        var answeredAt: ContinuousClock.Instant?
        /// When the first attempt that failed in transport since the last answer started.
        var failingSince: ContinuousClock.Instant?
        /// When the breaker opened, while it is open.
        var openedAt: ContinuousClock.Instant?
    }

    /// Creates a closed breaker.
    /// - Parameters:
    ///   - window: how long only failures must come before it opens.
    ///   - now: the clock; tests inject one they move.
    public init(
        window: Duration = .seconds(30),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.window = window
        self.now = now
    }

    /// True while attempts are refused without being sent.
    public var isOpen: Bool {
        let time = now()
        return state.withLock { state in
            guard let opened = state.openedAt else { return false }
            return time - opened < window
        }
    }

    /// The time now, by the breaker's clock: when an attempt starts.
    func attemptStarts() -> ContinuousClock.Instant { now() }

    /// Records an answer from the host: it is reachable, whatever the answer said.
    func recordAnswer() {
        let time = now()
        state.withLock { $0 = State(answeredAt: time) }
    }

    /// Records a transport failure of an attempt that started at `started`; returns true when the breaker is open
    /// after it.
    func recordFailure(startedAt started: ContinuousClock.Instant) -> Bool {
        let time = now()
        return state.withLock { state in
            if state.openedAt != nil {
                // A probe after the open period failed: open again at once.
                state.openedAt = time
                return true
            }
            // Time before the last answer does not count: the host was reachable then.
            let begin = max(started, state.answeredAt ?? started)
            let since = min(state.failingSince ?? begin, begin)
            state.failingSince = since
            guard time - since >= window else { return false }
            state.openedAt = time
            return true
        }
    }
}
