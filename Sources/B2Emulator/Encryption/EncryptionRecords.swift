import Crypto
import GRDB

/// How a version is encrypted at rest; versions stored in plain have no row.
struct FileEncryptionRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "file_encryption"
    var fileId: String
    var mode: EncryptionMode
    /// For SSE-C, the base64 MD5 of the customer's key: what every later request's key must match. The key itself is
    /// never stored.
    var customerKeyMd5: String?
}

/// A bucket's default encryption for new versions that ask for none; buckets without a row have none.
struct BucketEncryptionRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "bucket_encryption"
    var bucketId: String
    var mode: EncryptionMode
}

/// B2's server-side encryption modes, with AES256 as the only algorithm.
enum EncryptionMode: String, Codable, Sendable, DatabaseValueConvertible {
    case sseB2 = "SSE-B2"
    case sseC = "SSE-C"
}

enum EncryptionMigration {
    /// Adds `file_encryption` and `bucket_encryption`, each dropped with its version or bucket.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-encryption") { db in
            try db.create(table: FileEncryptionRecord.databaseTableName) { t in
                t.primaryKey("fileId", .text).references("file", column: "fileId", onDelete: .cascade)
                t.column("mode", .text).notNull()
                t.column("customerKeyMd5", .text)
            }
            try db.create(table: BucketEncryptionRecord.databaseTableName) { t in
                t.primaryKey("bucketId", .text).references("bucket", onDelete: .cascade)
                t.column("mode", .text).notNull()
            }
        }
    }
}

/// A 256-bit AES key's bytes (Crypto's `SymmetricKey` is not `Sendable` on every platform).
struct AESKey: Sendable, Equatable {
    let bytes: [UInt8]

    var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }
}
