import B2Kit
import Foundation

/// Runs a sync as its mode says: once, or again and again until stopped, waiting between runs as
/// `SyncMode.nextRun` says. A stop ends the wait at once.
public struct SyncLoop: Sendable {
    /// How often to run.
    public var mode: SyncMode
    /// Seconds between runs for `scheduled` and `continuous`.
    public var interval: TimeInterval
    /// The clock the waits are measured by.
    public var now: @Sendable () -> Date

    /// Creates a loop.
    public init(mode: SyncMode, interval: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.mode = mode
        self.interval = interval
        self.now = now
    }

    /// Calls `pass` with the run's number (from 1) for each run, until the mode has no next run or `stop` is
    /// requested.
    /// - Returns: the summary of the last run.
    @discardableResult
    public func run(stop: StopRequest, _ pass: (Int) async throws -> SyncSummary) async throws -> SyncSummary {
        var number = 0
        while true {
            number += 1
            let started = now()
            let last = try await pass(number)
            if stop.isRequested { return last }
            let changed = !last.dryRun && last.copied + last.deleted > 0
            guard let next = mode.nextRun(startedAt: started, finishedAt: now(), changed: changed, interval: interval)
            else { return last }
            let wait = next.timeIntervalSince(now())
            if wait > 0, try await stop.wait(upTo: .seconds(wait)) { return last }
        }
    }
}
