import Foundation
import GRDB

/// An API token: only its SHA-256 is stored; the token itself is shown once, when created.
public struct TokenRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The table.
    public static let databaseTableName = "tokens"
    /// The token's id (not secret; used to revoke it).
    public var id: String
    /// What the token is for.
    public var name: String
    /// The SHA-256 of the token, lower-case hex.
    public var hash: String
    /// When it was created.
    public var createdAt: Date
    /// When it was revoked, or nil while it is valid.
    public var revokedAt: Date?
    /// What it may do: a `Role`'s raw value.
    public var role: String
    /// When it last authenticated a request (stored at most once a minute), or nil when never.
    public var lastUsedAt: Date?
}
