import B2Kit

/// One object on either side of a sync, named relative to the side's root.
public struct SyncObject: Sendable, Equatable {
    /// The name relative to the root (a B2 name below the prefix, or a local path below the folder).
    public var name: String
    /// The size in bytes.
    public var size: Int64
    /// The modification time in milliseconds since 1970: B2's `src_last_modified_millis`, else its upload time.
    public var modifiedMillis: Int64
    /// The SHA-1 in hex when the side knows it without reading the bytes (B2 does; a local file does not).
    public var sha1: String?
    /// The inode of a local file (nil on B2).
    public var inode: UInt64?
    /// The version B2 listed (nil for a local file): content type, upload time and file info for the catalog.
    public var version: B2FileVersion?

    /// Creates an object.
    public init(
        name: String,
        size: Int64,
        modifiedMillis: Int64,
        sha1: String? = nil,
        inode: UInt64? = nil,
        version: B2FileVersion? = nil
    ) {
        self.name = name
        self.size = size
        self.modifiedMillis = modifiedMillis
        self.sha1 = sha1
        self.inode = inode
        self.version = version
    }
}

extension SyncObject {
    /// The object a B2 version is, named `name` relative to the side's root: modified at its
    /// `src_last_modified_millis`, else at its upload time.
    init(remote version: B2FileVersion, name: String) {
        let modified = version.fileInfo?["src_last_modified_millis"].flatMap { Int64($0) }
        self.init(
            name: name, size: version.contentLength, modifiedMillis: modified ?? version.uploadTimestamp,
            sha1: version.knownSHA1, version: version)
    }
}

extension String {
    /// True when `self` sorts before `other` in B2's order: the bytes of their UTF-8.
    func precedesInB2Order(_ other: String) -> Bool {
        utf8.lexicographicallyPrecedes(other.utf8)
    }
}
