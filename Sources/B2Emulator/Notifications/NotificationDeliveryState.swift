import Synchronization

/// What delivery remembers between passes: each rule's run of failed attempts and when it may be tried again (on
/// the emulator's clock), and the faults `--faults` injects into deliveries (`drop` and `delay`
/// `@notification`). Lost on restart, which only makes the next attempt come sooner; the events themselves are
/// in the outbox.
final class NotificationDeliveryState: Sendable {
    /// One rule's failures in a row, when it may be tried next, and the last failure.
    struct Backoff: Sendable, Equatable {
        var failures = 0
        var nextAttemptMillis: Int64 = 0
        var lastError = ""
    }

    private let backoffs = Mutex<[String: Backoff]>([:])
    private let inFlight = Mutex<Set<String>>([])
    /// Faults for deliveries, from the server's `--faults` plan.
    let faults: FaultInjector?

    init(faults: FaultPlan?) {
        self.faults = faults.map(FaultInjector.init(plan:))
    }

    static func key(bucketId: String, ruleName: String) -> String { bucketId + "/" + ruleName }

    /// True when the rule has no failure waiting out its delay at `nowMillis`.
    func isDue(_ key: String, nowMillis: Int64) -> Bool {
        backoffs.withLock { ($0[key]?.nextAttemptMillis ?? 0) <= nowMillis }
    }

    /// Claims a rule for one pass, so that two passes (the background one and a clock advance) never send the same
    /// batch at once; false when another pass has it.
    func claim(_ key: String) -> Bool {
        inFlight.withLock { $0.insert(key).inserted }
    }

    /// Gives a claimed rule back.
    func release(_ key: String) {
        _ = inFlight.withLock { $0.remove(key) }
    }

    /// Clears a rule's failures after a delivery its target took.
    func succeeded(_ key: String) {
        _ = backoffs.withLock { $0.removeValue(forKey: key) }
    }

    /// Records a failed attempt and when the next may be made; answers the failures in a row so far.
    func failed(_ key: String, error: String, nowMillis: Int64) -> Int {
        backoffs.withLock { all in
            var backoff = all[key] ?? Backoff()
            backoff.failures += 1
            backoff.lastError = error
            backoff.nextAttemptMillis =
                nowMillis + 1000 * NotificationDelivery.retryDelaySeconds(after: backoff.failures)
            all[key] = backoff
            return backoff.failures
        }
    }
}
