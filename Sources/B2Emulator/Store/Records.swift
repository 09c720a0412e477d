import B2JSON
import GRDB

/// A bucket row.
struct BucketRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "bucket"
    var bucketId: String
    var bucketName: String
    var bucketType: String
    /// JSON text of the bucket info object.
    var bucketInfo: String
    /// JSON text of the CORS rules array.
    var corsRules: String
    /// JSON text of the lifecycle rules array.
    var lifecycleRules: String
    var revision: Int64
    var createdAt: Int64

    enum Columns {
        static let bucketId = Column(CodingKeys.bucketId)
        static let bucketName = Column(CodingKeys.bucketName)
    }
}

/// One file version: an upload, a hide marker, or an unfinished large file (`start`).
struct FileRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "file"
    /// Insertion order; a later row is a newer version.
    var seq: Int64?
    var fileId: String
    var bucketId: String
    var fileName: String
    var action: String
    var contentLength: Int64
    var contentSha1: String?
    var contentMd5: String?
    var contentType: String?
    /// JSON text of the file info object, keys in the order given.
    var fileInfo: String
    var uploadTimestamp: Int64
    /// Name of the blob on disk, shared by copies of the same bytes; nil for hide markers and unfinished files.
    var blob: String?
    /// The S3 ETag of an object completed by a multipart upload (`md5-of-part-md5s-N`); nil otherwise, where the
    /// ETag is `contentMd5`.
    var s3ETag: String? = nil

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let fileId = Column(CodingKeys.fileId)
        static let bucketId = Column(CodingKeys.bucketId)
        static let fileName = Column(CodingKeys.fileName)
        static let action = Column(CodingKeys.action)
        static let blob = Column(CodingKeys.blob)
    }
}

extension FileRecord {
    /// A hide marker for `fileName`, made at `now`.
    static func hideMarker(bucketId: String, fileName: String, now: Int64) -> FileRecord {
        FileRecord(
            seq: nil,
            fileId: Identifiers.fileId(bucketId: bucketId, kind: .small, uploadTimestamp: now),
            bucketId: bucketId,
            fileName: fileName,
            action: "hide",
            contentLength: 0,
            contentSha1: ContentDigest.emptySHA1,
            contentMd5: nil,
            contentType: "application/x-bz-hide-marker",
            fileInfo: "{}",
            uploadTimestamp: now,
            blob: nil
        )
    }
}

/// One uploaded part of an unfinished large file.
struct PartRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "part"
    var fileId: String
    var partNumber: Int64
    var contentLength: Int64
    var contentSha1: String
    var contentMd5: String?
    var uploadTimestamp: Int64

    enum Columns {
        static let fileId = Column(CodingKeys.fileId)
        static let partNumber = Column(CodingKeys.partNumber)
    }
}

/// An application key: the master key or one created with `b2_create_key`.
struct KeyRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "key"
    var applicationKeyId: String
    var applicationKey: String
    var keyName: String
    /// Capabilities, comma separated.
    var capabilities: String
    /// JSON text of the array of bucket ids the key is restricted to, or nil for all buckets.
    var bucketIds: String?
    var namePrefix: String?
    var expirationTimestamp: Int64?
    var isMaster: Bool
    var createdAt: Int64

    enum Columns {
        static let applicationKeyId = Column(CodingKeys.applicationKeyId)
        static let isMaster = Column(CodingKeys.isMaster)
    }

    var capabilityList: [String] { capabilities.split(separator: ",").map(String.init) }

    var bucketIdList: [String]? {
        guard let bucketIds, case .array(let items)? = try? JSONValue.parse(.init(string: bucketIds)) else {
            return nil
        }
        return items.compactMap { if case .string(let id) = $0 { id } else { nil } }
    }
}

/// A named setting of the emulator, such as the account id or the token-signing secret.
struct SettingRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "setting"
    var name: String
    var value: String
}
