import Foundation
import Synchronization

/// Counts bad tokens per client address and slows an address that sends too many: past `limit` failures within
/// `window`, its bad tokens are answered 429 with `Retry-After` until the window ends. Good tokens always pass, so
/// a guesser on a shared address never locks out the people using it.
final class BadTokenThrottle: Sendable {
    /// Failures an address may make within a window before it is slowed.
    let limit: Int
    /// How long failures count.
    let window: TimeInterval
    /// Addresses tracked at most; the oldest windows are forgotten first.
    let capacity: Int
    private let failures = Mutex<[String: (count: Int, since: Date)]>([:])

    init(limit: Int = 10, window: TimeInterval = 60, capacity: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Records a bad token from `address`; returns the seconds it must wait when it is now slowed, else nil.
    func fail(_ address: String, at now: Date) -> Int? {
        failures.withLock { failures in
            var entry: (count: Int, since: Date) =
                failures[address].flatMap { now.timeIntervalSince($0.since) < window ? $0 : nil } ?? (0, now)
            entry.count += 1
            if failures[address] == nil, failures.count >= capacity {
                failures = failures.filter { now.timeIntervalSince($0.value.since) < window }
                if failures.count >= capacity, let oldest = failures.min(by: { $0.value.since < $1.value.since }) {
                    failures[oldest.key] = nil
                }
            }
            failures[address] = entry
            guard entry.count > limit else { return nil }
            return max(1, Int((window - now.timeIntervalSince(entry.since)).rounded(.up)))
        }
    }
}
