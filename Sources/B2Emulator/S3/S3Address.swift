import B2SigV4
import Foundation

/// Where an S3 request points: a bucket and a key, from the `Host` header (virtual-host style) or the path
/// (path style).
///
/// Virtual-host style is recognised by the host's labels: `BUCKET.s3.REGION.<anything>` or `BUCKET.localhost`.
/// Any other host (an IP address, `localhost`, `s3.REGION.<anything>`) means path style: `/BUCKET/KEY`.
struct S3Address: Equatable, Sendable {
    /// The bucket name, or nil for the service (ListBuckets).
    let bucket: String?
    /// The object key, or nil for the bucket itself.
    let key: String?

    /// The bucket a virtual-host-style `Host` names, or nil when the host does not name one.
    static func virtualHostBucket(authority: String?) -> String? {
        guard var host = authority?.lowercased(), !host.hasPrefix("[") else { return nil }
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, !labels[0].isEmpty, labels[0] != "s3" else { return nil }
        if labels.count >= 3, labels[1] == "s3" { return String(labels[0]) }
        if labels.count == 2, labels[1] == "localhost" { return String(labels[0]) }
        return nil
    }

    /// Reads the address of a request.
    ///
    /// - Parameters:
    ///   - authority: the `Host` header.
    ///   - rawPath: the path as sent, percent-encoded, without the query.
    /// - Returns: the address, or nil when the path is not valid percent-encoded UTF-8.
    init?(authority: String?, rawPath: String) {
        guard let path = PercentEncoding.sigV4.decode(rawPath) else { return nil }
        let trimmed = path.hasPrefix("/") ? String(path.dropFirst()) : path
        if let bucket = Self.virtualHostBucket(authority: authority) {
            self.bucket = bucket
            key = trimmed.isEmpty ? nil : trimmed
            return
        }
        guard !trimmed.isEmpty else {
            bucket = nil
            key = nil
            return
        }
        if let slash = trimmed.firstIndex(of: "/") {
            bucket = String(trimmed[..<slash])
            let rest = String(trimmed[trimmed.index(after: slash)...])
            key = rest.isEmpty ? nil : rest
        } else {
            bucket = trimmed
            key = nil
        }
    }

    /// True when a request belongs to the S3 API rather than the native one: a virtual-host-style host, or an
    /// AWS-signed request (header or presigned query) to a path outside `/b2api/` and `/file/` (bucket names have
    /// at least 6 characters, so neither can be a bucket). Unsigned requests elsewhere get the native 404.
    static func isS3(authority: String?, rawPath: String, isAWSSigned: Bool) -> Bool {
        if virtualHostBucket(authority: authority) != nil { return true }
        return isAWSSigned && !(rawPath.hasPrefix("/b2api/") || rawPath.hasPrefix("/file/"))
    }
}
