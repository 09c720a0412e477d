import B2SigV4
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// How S3's object metadata maps onto B2's: `x-amz-meta-*` headers are file info, the standard content headers
/// are the `b2-*` file info keys, and the ETag is the MD5 that was stored with the bytes.
enum S3ObjectMetadata {
    /// Standard headers that B2 keeps as `b2-*` file info.
    static let standardHeaders: [(HTTPField.Name, String)] = [
        (.cacheControl, "b2-cache-control"), (.contentDisposition, "b2-content-disposition"),
        (.contentLanguage, "b2-content-language"), (.expires, "b2-expires"),
        (.contentEncoding, "b2-content-encoding"),
    ]

    /// The file info of an upload: `x-amz-meta-*` (keys lower-cased, in the order sent) and the standard headers.
    static func fileInfo(_ request: Request, fileName: String) throws -> [(String, String)] {
        var info: [(String, String)] = []
        for field in request.headers {
            let name = field.name.canonicalName
            guard name.hasPrefix(S3Headers.metaPrefix) else { continue }
            info.append((String(name.dropFirst(S3Headers.metaPrefix.count)), field.value))
        }
        for (header, key) in standardHeaders {
            guard var value = request.headers[header] else { continue }
            if header == .contentEncoding {
                // aws-chunked describes the request's framing, not the object.
                value = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { $0 != "aws-chunked" && !$0.isEmpty }.joined(separator: ",")
                if value.isEmpty { continue }
            }
            info.append((key, value))
        }
        try NameRules.checkFileInfo(info, fileName: fileName)
        return info
    }

    /// The object's content type: the one sent, or B2's guess from the name.
    static func contentType(_ request: Request, fileName: String) throws -> String {
        try EmulatorState.contentType(request.headers[.contentType], fileName: fileName)
    }

    /// The quoted ETag of a stored version: the multipart ETag, the MD5 of a simple upload, or for a large file
    /// uploaded through the native API (which keeps no MD5) a stable digest of its id.
    static func eTag(_ file: FileRecord) -> String {
        if let tag = file.s3ETag { return "\"\(tag)\"" }
        if let md5 = file.contentMd5 { return "\"\(md5)\"" }
        return "\"\(Hex.string(Insecure.MD5.hash(data: Array(file.fileId.utf8))))-1\""
    }

    /// The headers of a GET or HEAD: content type, ETag, Last-Modified, version id, B2's ids and file info.
    static func headers(_ file: FileRecord) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = file.contentType ?? "application/octet-stream"
        headers[.acceptRanges] = "bytes"
        headers[.eTag] = eTag(file)
        headers[.lastModified] = S3Time.httpDate(file.uploadTimestamp)
        headers[S3Headers.versionId] = file.fileId
        headers[HTTPField.Name("x-bz-file-id")!] = file.fileId
        if let sha1 = file.contentSha1, sha1 != "none" {
            headers[HTTPField.Name("x-bz-content-sha1")!] = sha1
        }
        headers[HTTPField.Name("x-bz-upload-timestamp")!] = String(file.uploadTimestamp)
        for (key, value) in Rendering.stringPairs(file.fileInfo) {
            if let standard = NameRules.headerInfoKeys[key], let name = HTTPField.Name(standard) {
                headers[name] = value
            } else if let name = HTTPField.Name(S3Headers.metaPrefix + key) {
                headers.append(HTTPField(name: name, value: value))
            }
        }
        return headers
    }
}
