import Foundation
import NIOHTTP1

/// What HeadObject and GetObject say about an object.
public struct S3ObjectHead: Sendable, Equatable {
    /// The size of the whole object in bytes.
    public var contentLength: Int64
    /// The content type.
    public var contentType: String?
    /// The entity tag without quotes.
    public var eTag: String?
    /// The last modification time.
    public var lastModified: Date?
    /// User metadata (`x-amz-meta-*`), by lower-case name without the prefix.
    public var metadata: [String: String]

    init(headers: HTTPHeaders) {
        if let range = headers.first(name: "Content-Range"), let slash = range.lastIndex(of: "/"),
            let total = Int64(range[range.index(after: slash)...])
        {
            contentLength = total
        } else {
            contentLength = headers.first(name: "Content-Length").flatMap { Int64($0) } ?? 0
        }
        contentType = headers.first(name: "Content-Type")
        eTag = headers.first(name: "ETag").map(S3Wire.unquote)
        lastModified = headers.first(name: "Last-Modified").flatMap(S3Wire.httpDate)
        var metadata: [String: String] = [:]
        for (name, value) in headers where name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(name.lowercased().dropFirst("x-amz-meta-".count))] = value
        }
        self.metadata = metadata
    }
}
