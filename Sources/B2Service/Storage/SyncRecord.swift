import Foundation
import GRDB

/// A sync: what to copy where, how often, and which names.
public struct SyncRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The table.
    public static let databaseTableName = "syncs"
    /// The sync's id.
    public var id: String
    /// Its display name.
    public var name: String
    /// The connection whose key it uses.
    public var connectionId: String
    /// The source: a bucket path in one of its four forms, or a local folder.
    public var sourcePath: String
    /// The destination: a local folder, or `b2://`/`s3://` for the reverse direction.
    public var destination: String
    /// `one_time`, `scheduled`, `continuous` or `events`.
    public var syncMode: String
    /// Seconds between runs (scheduled, continuous).
    public var pollingIntervalSeconds: Int
    /// Include globs.
    public var includePatterns: [String]
    /// Exclude globs (they win over includes).
    public var excludePatterns: [String]
    /// Only objects modified at or after this ISO 8601 date.
    public var modifiedSince: String?
    /// Delete destination objects the source lacks.
    public var deleteExtraneous: Bool
    /// Paused syncs are not scheduled.
    public var paused: Bool
    /// When the scheduler queues the next run, or nil when none is due.
    public var nextRunAt: Date?
    /// When it was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// The id of the token that created it (nil for rows older than roles).
    public var createdBy: String?
    /// The id of the token that last changed it.
    public var updatedBy: String?
    /// An `events` sync's hook secret (the notification rule's `hmacSha256SigningSecret`), sealed (`SecretBox`);
    /// never stored in plain text, never shown.
    public var sealedHookSecret: Data? = nil
}
