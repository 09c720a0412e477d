/// The JSON bodies of B2's native API that B2Kit reads (v4 shapes).
enum B2Wire {
    struct Authorize: Decodable {
        struct APIInfo: Decodable { let storageApi: StorageAPI }
        struct StorageAPI: Decodable {
            let apiUrl: String
            let downloadUrl: String
            let s3ApiUrl: String
            let recommendedPartSize: Int64
            let absoluteMinimumPartSize: Int64
            let allowed: Allowed
        }
        struct Allowed: Decodable {
            struct Bucket: Decodable {
                let id: String
                let name: String?
            }
            let buckets: [Bucket]?
            let capabilities: [String]
            let namePrefix: String?
        }
        let accountId: String
        let authorizationToken: String
        let apiInfo: APIInfo
    }

    struct ErrorBody: Decodable {
        let status: Int?
        let code: String?
        let message: String?
        /// b2kit's emulator explains refusals here; B2 itself leaves some messages empty (as for `unauthorized`).
        let guidance: String?

        /// The emulator's guidance when there is one (it says what to fix; B2 itself never sends it), else B2's
        /// message.
        var explanation: String? { guidance?.isEmpty == false ? guidance : message }
    }

    struct Buckets: Decodable { let buckets: [B2Bucket] }

    struct UploadTarget: Decodable {
        let uploadUrl: String
        let authorizationToken: String
    }

    struct FileNames: Decodable {
        let files: [B2FileVersion]
        let nextFileName: String?
    }

    struct FileVersions: Decodable {
        let files: [B2FileVersion]
        let nextFileName: String?
        let nextFileId: String?
    }

    struct UnfinishedFiles: Decodable {
        let files: [B2FileVersion]
        let nextFileId: String?
    }

    struct Part: Decodable {
        let partNumber: Int
        let contentLength: Int64
        let contentSha1: String
    }

    struct Parts: Decodable {
        let parts: [Part]
        let nextPartNumber: Int?
    }

    struct Keys: Decodable {
        let keys: [B2ApplicationKey]
        let nextApplicationKeyId: String?
    }

    struct DeletedVersion: Decodable {
        let fileId: String
        let fileName: String
    }
}

/// B2's `{"isClientAuthorizedToRead", "value"}` wrapper of a setting the key may or may not read (value nil).
private struct B2Readable<Value: Decodable & Sendable & Equatable>: Decodable, Sendable, Equatable {
    var value: Value?
}

/// A bucket.
public struct B2Bucket: Decodable, Sendable, Equatable {
    /// The bucket id.
    public let bucketId: String
    /// The bucket name.
    public let bucketName: String
    /// `allPrivate` or `allPublic`.
    public let bucketType: String
    /// The bucket's revision, advanced by each update.
    public let revision: Int64?
    /// The lifecycle rules.
    public var lifecycleRules: [B2LifecycleRule]? = nil
    private var fileLockConfiguration: B2Readable<FileLock>? = nil
    private var defaultServerSideEncryption: B2Readable<Encryption>? = nil

    /// Whether Object Lock is on; nil when the key may not read it.
    public var isFileLockEnabled: Bool? { fileLockConfiguration?.value?.isFileLockEnabled }
    /// The mode new files are encrypted with by default: `SSE-B2` or `none`; nil when the key may not read it.
    public var defaultEncryptionMode: String? { defaultServerSideEncryption?.value?.mode }

    private struct FileLock: Decodable, Sendable, Equatable {
        var isFileLockEnabled: Bool?
    }

    private struct Encryption: Decodable, Sendable, Equatable {
        var mode: String?
    }
}

/// One version of a file (or a hide marker, an unfinished large file, or a folder in listings).
public struct B2FileVersion: Decodable, Sendable, Equatable {
    /// `upload`, `hide`, `start` or `folder`.
    public let action: String
    /// The file id (nil for folders).
    public let fileId: String?
    /// The full name.
    public let fileName: String
    /// The bucket id.
    public let bucketId: String?
    /// The size in bytes.
    public let contentLength: Int64
    /// The SHA-1 in hex; `none` for large files, `unverified:<hex>` when uploaded unverified.
    public let contentSha1: String?
    /// The MIME type.
    public let contentType: String?
    /// Custom file info.
    public let fileInfo: [String: String]?
    /// Milliseconds since the epoch.
    public let uploadTimestamp: Int64
    private var serverSideEncryption: Encryption? = nil
    private var fileRetention: B2Readable<Retention>? = nil
    private var legalHold: B2Readable<String>? = nil

    /// `SSE-B2` or `SSE-C` for an encrypted version, nil for a plain one.
    public var encryptionMode: String? { serverSideEncryption?.mode }
    /// The version's Object Lock retention, when it has one and the key may read it.
    public var retention: B2Retention? {
        guard let value = fileRetention?.value, let mode = value.mode.flatMap(B2Retention.Mode.init(rawValue:)),
            let until = value.retainUntilTimestamp
        else { return nil }
        return B2Retention(mode: mode, retainUntilMillis: until)
    }
    /// True under a legal hold, false when the hold is off; nil when none was set or the key may not read it.
    public var isLegalHoldOn: Bool? { legalHold?.value.map { $0 == "on" } }

    private struct Encryption: Decodable, Sendable, Equatable {
        var mode: String?
    }

    private struct Retention: Decodable, Sendable, Equatable {
        var mode: String?
        var retainUntilTimestamp: Int64?
    }

    /// The SHA-1 of the whole content when B2 knows it: `contentSha1`, or `large_file_sha1` for large files.
    public var knownSHA1: String? {
        if let sha1 = contentSha1, sha1.count == 40 { return sha1 }
        if let sha1 = contentSha1, sha1.hasPrefix("unverified:") { return String(sha1.dropFirst(11)) }
        return fileInfo?["large_file_sha1"]
    }
}

/// An application key as listed (never with its secret).
public struct B2ApplicationKey: Decodable, Sendable, Equatable {
    /// The key id.
    public let applicationKeyId: String
    /// The key's name.
    public let keyName: String
    /// What the key may do.
    public let capabilities: [String]
    /// Buckets it is restricted to, or nil.
    public let bucketIds: [String]?
    /// Name prefix it is restricted to, or nil.
    public let namePrefix: String?
    /// Expiry in milliseconds since the epoch, or nil.
    public let expirationTimestamp: Int64?
}
