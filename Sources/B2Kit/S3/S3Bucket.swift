import Foundation

/// A bucket as ListBuckets reports it.
public struct S3Bucket: Sendable, Equatable {
    /// The bucket name.
    public var name: String
    /// When it was created, if the server said.
    public var creationDate: Date?
}
