import Synchronization

/// Turns a transfer's running total into deltas for a meter shared by all transfers.
final class DeltaMeter: Sendable {
    private let last = Mutex<Int64>(0)
    private let report: @Sendable (Int64) -> Void

    init(report: @escaping @Sendable (Int64) -> Void) { self.report = report }

    @Sendable func update(_ total: Int64) {
        let delta = last.withLock { last in
            defer { last = total }
            return total - last
        }
        if delta != 0 { report(delta) }
    }
}
