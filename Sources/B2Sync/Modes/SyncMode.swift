import Foundation

/// How often a sync runs: the one schedule of `b2kit sync --mode` and of the service's `sync_mode`.
public enum SyncMode: String, Codable, Sendable, CaseIterable {
    /// Once (and, in the service, again when triggered).
    case oneTime = "one_time"
    /// Every interval, counted from each run's start (a run longer than the interval is followed at once).
    case scheduled
    /// Again at once after a run that changed something, else an interval after the run ends: changes that keep
    /// arriving are followed without waiting.
    case continuous
    /// As B2's event notifications arrive (`b2kit sync --mode events`, the service's hook route), with a full run
    /// every interval, counted from each run's start, to reconcile what an event missed.
    case events

    /// When the run after one that started at `started`, ended at `finished` and `changed` something should start.
    /// - Parameter interval: seconds between runs.
    /// - Returns: nil for `oneTime`: there is no next run.
    public func nextRun(startedAt started: Date, finishedAt finished: Date, changed: Bool, interval: TimeInterval)
        -> Date?
    {
        switch self {
        case .oneTime: nil
        case .scheduled, .events: max(started + interval, finished)
        case .continuous: changed ? finished : finished + interval
        }
    }
}
