import Foundation
import GRDB

/// A B2 connection: a key id, its application key sealed with AES-GCM, and what authorizing it told.
public struct ConnectionRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The table.
    public static let databaseTableName = "connections"
    /// The connection's id.
    public var id: String
    /// Its display name.
    public var name: String
    /// The application key id.
    public var keyId: String
    /// The application key, sealed (`SecretBox`); never stored in plain text.
    public var sealedKey: Data
    /// The B2 account the key belongs to.
    public var accountId: String
    /// The key's capabilities, as B2 reported them.
    public var capabilities: [String]
    /// The bucket the key is restricted to, if any.
    public var allowedBucket: String?
    /// The name prefix the key is restricted to, if any.
    public var namePrefix: String?
    /// When it was created.
    public var createdAt: Date
    /// When it last changed (a key rotation).
    public var updatedAt: Date
    /// The id of the token that created it (nil for rows older than roles).
    public var createdBy: String?
    /// The id of the token that last changed it.
    public var updatedBy: String?
}
