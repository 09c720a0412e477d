import Foundation
import GRDB

/// One run of a sync, from queued to finished.
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The table.
    public static let databaseTableName = "runs"
    /// The states of a run.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Waiting for a worker.
        case queued
        /// A worker executes it.
        case running
        /// Every object was synced.
        case succeeded
        /// Some objects failed; the others were synced.
        case partial
        /// The run could not start or its listing failed.
        case failed
    }
    /// The run's id.
    public var id: String
    /// Its sync.
    public var syncId: String
    /// Where the run is.
    public var status: Status
    /// `manual`, `schedule`, `creation` or `event`.
    public var trigger: String
    /// Objects copied.
    public var copied: Int
    /// Objects already in place.
    public var skipped: Int
    /// Destination objects deleted.
    public var deleted: Int
    /// Objects that failed or were refused.
    public var failed: Int
    /// Bytes copied.
    public var bytes: Int64
    /// The first failures, `name: reason`.
    public var errors: [String]
    /// Why the run failed as a whole, if it did.
    public var message: String?
    /// When it was queued.
    public var queuedAt: Date
    /// When a worker started it.
    public var startedAt: Date?
    /// When it ended.
    public var finishedAt: Date?
    /// The B2 names an event run is limited to (events delivered to the sync's hook); nil for a full run.
    public var objectNames: [String]? = nil

    /// True while queued or running.
    public var isActive: Bool { status == .queued || status == .running }
}

/// Stored as its raw value; a value this b2kit does not know fails to decode instead of passing as text.
extension RunRecord.Status: DatabaseValueConvertible {}
