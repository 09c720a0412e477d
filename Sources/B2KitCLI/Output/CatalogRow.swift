import B2JSON

/// One line of `catalog --json`: an object a sync delivered.
struct CatalogRow: Encodable, Sendable {
    var name: String
    var size: Int64
    var modifiedMillis: Int64
    /// Milliseconds since 1970 of the delivery.
    var syncedAt: Int64
    var sha1: String?
    var contentType: String?
    var uploadTimestamp: Int64?
    var localPath: String?
    /// The file info as B2 holds it.
    var fileInfo: JSONValue?
}
