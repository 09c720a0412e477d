/// A part of a multipart upload: its number and the ETag the server returned for it.
public struct S3Part: Sendable, Equatable {
    /// The part number, from 1.
    public var partNumber: Int
    /// The part's ETag, without quotes.
    public var eTag: String
    /// The part's size, when the server listed it.
    public var size: Int64?

    /// Creates a part description.
    public init(partNumber: Int, eTag: String, size: Int64? = nil) {
        self.partNumber = partNumber
        self.eTag = eTag
        self.size = size
    }
}
