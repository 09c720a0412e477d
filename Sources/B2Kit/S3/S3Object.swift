import Foundation

/// One entry of a ListObjectsV2 listing: an object, or a common prefix (a "folder") when a delimiter was given.
public struct S3Object: Sendable, Equatable {
    /// The object key, or the common prefix (ending in the delimiter).
    public var key: String
    /// The size in bytes; 0 for a common prefix.
    public var size: Int64
    /// The entity tag without quotes; nil for a common prefix.
    public var eTag: String?
    /// The last modification time; nil for a common prefix.
    public var lastModified: Date?
    /// True for a common prefix rather than an object.
    public var isCommonPrefix: Bool

    /// Creates an entry.
    public init(key: String, size: Int64, eTag: String?, lastModified: Date?, isCommonPrefix: Bool) {
        self.key = key
        self.size = size
        self.eTag = eTag
        self.lastModified = lastModified
        self.isCommonPrefix = isCommonPrefix
    }
}
