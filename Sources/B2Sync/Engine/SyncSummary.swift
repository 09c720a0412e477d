/// What a sync run did.
public struct SyncSummary: Sendable, Equatable {
    /// Objects copied (or, in a dry run, that would be).
    public var copied = 0
    /// Bytes of the copied objects.
    public var copiedBytes: Int64 = 0
    /// Objects the destination already held.
    public var skipped = 0
    /// Destination objects deleted (or that would be).
    public var deleted = 0
    /// Source objects older than `--modified-since`.
    public var tooOld = 0
    /// Objects that failed, with the reason.
    public var failures: [Failure] = []
    /// Names refused because they cannot be written under the destination.
    public var refused: [Failure] = []
    /// Include patterns that matched no source name.
    public var unmatchedIncludes: [String] = []
    /// Temporary files of interrupted downloads that were removed.
    public var temporariesRemoved = 0
    /// True when nothing was changed because it was a dry run.
    public var dryRun = false
    /// True when the run was asked to stop before it had gone through every name.
    public var stopped = false

    /// A name and why it was not synced.
    public struct Failure: Sendable, Equatable, Hashable {
        /// The object's name, relative to the root.
        public var name: String
        /// What went wrong and what to do.
        public var reason: String
    }

    /// Creates an empty summary.
    public init() {}

    /// True when every object was synced.
    public var isComplete: Bool { failures.isEmpty && refused.isEmpty && !stopped }
}
