import GRDB

/// One synced object as the catalog records it: a row of the state database's `catalog` table.
public struct CatalogEntry: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The table.
    public static let databaseTableName = "catalog"

    /// The name relative to the sync's root.
    public var name: String
    /// The size in bytes.
    public var size: Int64
    /// The SHA-1 in hex, when known.
    public var sha1: String?
    /// The MIME type B2 holds, when the source is a bucket.
    public var contentType: String?
    /// B2's upload time in milliseconds since 1970 (of the source's version, or of the copy made).
    public var uploadTimestamp: Int64?
    /// The modification time in milliseconds since 1970.
    public var modifiedMillis: Int64
    /// B2's file info as a JSON object, when known.
    public var fileInfo: String?
    /// The local file, when the destination is a folder.
    public var localPath: String?
    /// When the object finished syncing, in milliseconds since 1970.
    public var syncedAt: Int64

    /// The table's columns.
    public enum Columns {
        /// `name`.
        public static let name = Column(CodingKeys.name)
    }
}
