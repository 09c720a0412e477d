import Foundation
import GRDB
import Hummingbird

/// One page of an S3 listing: objects and common prefixes in name order, and where the next page starts.
struct S3ListingPage {
    var objects: [FileRecord] = []
    var commonPrefixes: [String] = []
    /// True when more entries follow.
    var isTruncated = false
    /// The last key or common prefix listed (V1's NextMarker).
    var lastEntry: String?
    /// Where the next page starts (V2's continuation token).
    var resumeAt: S3ListingCursor?
}

extension EmulatorState {
    private static let s3ScanBatch = 1000

    /// ListObjects (V1: `marker`) and ListObjectsV2 (`continuation-token`, `start-after`), with `prefix`,
    /// `delimiter`, `max-keys` and `encoding-type=url`. Lists the latest visible version of each name.
    func s3ListObjects(_ call: S3Call, version: Int) async throws -> Response {
        let principal = call.principal
        try principal.require("listFiles")
        let bucket = try await s3Bucket(call)
        let prefix = call.query["prefix"] ?? ""
        try principal.requireListingPrefix(prefix)
        let delimiter = call.query["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        let maxKeys = try call.int("max-keys") ?? 1000
        guard maxKeys >= 0 else { throw S3Error.invalidArgument("max-keys must be 0 or more, not \(maxKeys)") }
        let encodingType = call.query["encoding-type"]
        guard encodingType == nil || encodingType == "url" else {
            throw S3Error.invalidArgument("Invalid Encoding Method specified in Request: use url")
        }
        var start = S3ListingCursor(name: "", inclusive: true)
        if version == 2 {
            if let token = call.query["continuation-token"] {
                guard let cursor = S3ListingCursor(token: token) else {
                    throw S3Error.invalidArgument("The continuation token provided is incorrect")
                }
                start = cursor
            } else if let after = call.query["start-after"], !after.isEmpty {
                start = S3ListingCursor(name: after, inclusive: false)
            }
        } else if let marker = call.query["marker"], !marker.isEmpty {
            if let delimiter, marker.hasBytePrefix(prefix), marker.hasSuffix(delimiter),
                marker.droppingBytes(prefix.utf8.count).contains(delimiter)
            {
                start = S3ListingCursor(name: Self.successor(ofFolder: marker), inclusive: true)
            } else {
                start = S3ListingCursor(name: marker, inclusive: false)
            }
        }
        let page = try await s3Scan(
            bucketId: bucket.bucketId, prefix: prefix, delimiter: delimiter, start: start, maxKeys: min(maxKeys, 1000))
        let encode: (String) -> String = { value in
            encodingType == "url" ? S3ListingEncoding.encode(value) : value
        }
        var xml = S3XMLWriter(root: "ListBucketResult")
        xml.element("Name", bucket.bucketName)
        xml.element("Prefix", encode(prefix))
        if version == 2 {
            if let token = call.query["continuation-token"] { xml.element("ContinuationToken", token) }
            if let after = call.query["start-after"] { xml.element("StartAfter", encode(after)) }
            xml.element("KeyCount", String(page.objects.count + page.commonPrefixes.count))
        } else {
            xml.element("Marker", encode(call.query["marker"] ?? ""))
        }
        xml.element("MaxKeys", String(maxKeys))
        if let delimiter { xml.element("Delimiter", encode(delimiter)) }
        if let encodingType { xml.element("EncodingType", encodingType) }
        xml.element("IsTruncated", page.isTruncated ? "true" : "false")
        if page.isTruncated {
            if version == 2, let resume = page.resumeAt {
                xml.element("NextContinuationToken", resume.token)
            } else if version == 1, delimiter != nil, let last = page.lastEntry {
                xml.element("NextMarker", encode(last))
            }
        }
        for file in page.objects {
            xml.begin("Contents")
            xml.element("Key", encode(file.fileName))
            xml.element("LastModified", S3Time.iso8601(file.uploadTimestamp))
            xml.element("ETag", S3ObjectMetadata.eTag(file))
            xml.element("Size", String(file.contentLength))
            if version == 1 || call.query["fetch-owner"] == "true" {
                xml.begin("Owner")
                xml.element("ID", accountId)
                xml.element("DisplayName", "")
                xml.end()
            }
            xml.element("StorageClass", "STANDARD")
            xml.end()
        }
        for commonPrefix in page.commonPrefixes {
            xml.begin("CommonPrefixes")
            xml.element("Prefix", encode(commonPrefix))
            xml.end()
        }
        return S3Router.xml(&xml)
    }

    /// Scans the latest visible version of each name from `start` on, folding names into common prefixes.
    func s3Scan(
        bucketId: String, prefix: String, delimiter: String?, start: S3ListingCursor, maxKeys: Int
    ) async throws -> S3ListingPage {
        var page = S3ListingPage()
        guard maxKeys > 0 else { return page }
        var cursor = start
        if start.name.utf8.lexicographicallyPrecedes(prefix.utf8) {
            cursor = S3ListingCursor(name: prefix, inclusive: true)
        }
        let query = ListingQuery(bucketId: bucketId, prefix: prefix, delimiter: delimiter, maxCount: maxKeys)
        scan: while true {
            let rows = try await database.writer.read { [cursor] db in
                try FileRecord.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM file AS f WHERE f.bucketId = ?
                        AND (f.fileName > ? OR (f.fileName = ? AND ?)) AND f.action = 'upload'
                        AND f.seq = (SELECT MAX(g.seq) FROM file AS g WHERE g.bucketId = f.bucketId
                                     AND g.fileName = f.fileName AND g.action != 'start')
                        ORDER BY f.fileName LIMIT ?
                        """,
                    arguments: [bucketId, cursor.name, cursor.name, cursor.inclusive, Self.s3ScanBatch]
                )
            }
            for row in rows {
                guard row.fileName.hasBytePrefix(prefix) else { break scan }
                let entry = query.entry(for: row.fileName)
                if page.objects.count + page.commonPrefixes.count == maxKeys {
                    page.isTruncated = true
                    page.resumeAt = cursor
                    break scan
                }
                page.lastEntry = entry.name
                if entry.isFolder {
                    page.commonPrefixes.append(entry.name)
                    cursor = S3ListingCursor(name: Self.successor(ofFolder: entry.name), inclusive: true)
                    continue scan
                }
                page.objects.append(row)
                cursor = S3ListingCursor(name: row.fileName, inclusive: false)
            }
            if rows.count < Self.s3ScanBatch { break }
        }
        return page
    }
}

/// Where a listing resumes: at or after a name. V2's continuation token is its base64 text.
struct S3ListingCursor: Equatable {
    let name: String
    let inclusive: Bool

    init(name: String, inclusive: Bool) {
        self.name = name
        self.inclusive = inclusive
    }

    /// Reads a continuation token; nil when it is not one this emulator wrote.
    init?(token: String) {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
            let mode = text.first, mode == "a" || mode == "i"
        else { return nil }
        name = String(text.dropFirst())
        inclusive = mode == "i"
    }

    /// The continuation token.
    var token: String { Data(((inclusive ? "i" : "a") + name).utf8).base64EncodedString() }
}

/// `encoding-type=url` for listings: keys percent-encoded as S3 does (unreserved characters and `/` kept).
enum S3ListingEncoding {
    static func encode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
