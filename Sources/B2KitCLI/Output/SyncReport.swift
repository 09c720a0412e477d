import B2Sync

/// The `--json` line `b2kit sync` prints after each run.
struct SyncReport: Encodable {
    struct Failure: Encodable {
        var name: String
        var error: String
    }
    struct Refusal: Encodable {
        var name: String
        var reason: String
    }
    var source: String
    var destination: String
    var copied: Int
    var bytes: Int64
    var skipped: Int
    var deleted: Int
    var tooOld: Int
    var dryRun: Bool
    /// Seconds the run took, to the millisecond.
    var seconds: Double
    /// The run's number, from 1 (scheduled and continuous modes run again).
    var run: Int
    var failed: [Failure]
    var refused: [Refusal]
    var unmatchedIncludes: [String]
    var temporariesRemoved: Int

    init(_ summary: SyncSummary, source: SyncEndpoint, destination: SyncEndpoint, seconds: Double, run: Int) {
        self.source = source.description
        self.destination = destination.description
        copied = summary.copied
        bytes = summary.copiedBytes
        skipped = summary.skipped
        deleted = summary.deleted
        tooOld = summary.tooOld
        dryRun = summary.dryRun
        self.seconds = (seconds * 1000).rounded() / 1000
        self.run = run
        failed = summary.failures.map { Failure(name: $0.name, error: $0.reason) }
        refused = summary.refused.map { Refusal(name: $0.name, reason: $0.reason) }
        unmatchedIncludes = summary.unmatchedIncludes
        temporariesRemoved = summary.temporariesRemoved
    }
}
