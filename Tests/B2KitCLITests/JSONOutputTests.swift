import B2JSON
import B2Kit
import Foundation
import Testing

@testable import B2KitCLI

/// The `--json` lines are typed values now; these pin them to the bytes `JSONSerialization` printed for the
/// `[String: Any]` dictionaries they replace (sorted keys, unescaped slashes, explicit null only for `sha1`).
@Suite("JSON output")
struct JSONOutputTests {
    /// What the command prints for `value`.
    static func printed(_ value: some Encodable) -> String {
        let captured = Captured()
        captured.context(configuration: ConfigurationInputs(environment: [:], currentDirectory: "/"), json: true)
            .printJSON(value)
        return captured.out.withLock { $0 }
    }

    /// What `JSONSerialization` printed for `object`.
    static func serialized(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    @Test("ls --json: a B2 file version, and an S3 object with its ETag, print as before")
    func listedFile() throws {
        let file = ListedFile(
            action: "upload", fileName: "dir/é \"q\"\u{01}.txt", size: 12, uploadTimestamp: 1_700_000_000_123,
            fileId: "4_z1", contentSha1: "a9993e36", contentType: "text/plain")
        #expect(
            Self.printed(file)
                == #"{"action":"upload","contentSha1":"a9993e36","contentType":"text/plain","fileId":"4_z1","fileName":"dir/é \"q\"\u0001.txt","size":12,"uploadTimestamp":1700000000123}"#
                + "\n")
        #expect(
            Self.printed(file)
                == (try Self.serialized([
                    "action": "upload", "fileName": "dir/é \"q\"\u{01}.txt", "size": Int64(12),
                    "uploadTimestamp": Int64(1_700_000_000_123), "fileId": "4_z1", "contentSha1": "a9993e36",
                    "contentType": "text/plain",
                ])))
        let object = ListedFile(action: "folder", fileName: "dir/", size: 0, uploadTimestamp: 0, eTag: nil)
        #expect(Self.printed(object) == #"{"action":"folder","fileName":"dir/","size":0,"uploadTimestamp":0}"# + "\n")
    }

    @Test("account --json prints every field, sources nested, the optional ones only when known")
    func account() throws {
        let report = AccountReport(
            accountId: "acc", keyId: "key", apiUrl: "https://api.example", downloadUrl: "https://f.example",
            s3ApiUrl: "https://s3.example", capabilities: ["listBuckets", "readFiles"], cannot: ["writeFiles"],
            profile: "default", credentialSources: ["keyId": "environment", "applicationKey": "environment"],
            region: "us-west-004", allowedBuckets: nil, namePrefix: nil, endpointWarning: nil)
        #expect(
            Self.printed(report)
                == (try Self.serialized([
                    "accountId": "acc", "keyId": "key", "apiUrl": "https://api.example",
                    "downloadUrl": "https://f.example", "s3ApiUrl": "https://s3.example",
                    "capabilities": ["listBuckets", "readFiles"], "cannot": ["writeFiles"], "profile": "default",
                    "credentialSources": ["keyId": "environment", "applicationKey": "environment"],
                    "region": "us-west-004",
                ])))
    }

    @Test("catalog --json prints file info as the JSON object it is")
    func catalog() throws {
        let info = #"{"src_last_modified_millis": "1700000000000", "b2-content-disposition": "inline"}"#
        let row = CatalogRow(
            name: "a/b.csv", size: 3, modifiedMillis: 1_700_000_000_000, syncedAt: 1_700_000_001_000, sha1: "ab",
            contentType: nil, uploadTimestamp: 1_700_000_000_500, localPath: "/tmp/a/b.csv",
            fileInfo: try JSONParser.parse(Array(info.utf8)))
        #expect(
            Self.printed(row)
                == (try Self.serialized([
                    "name": "a/b.csv", "size": Int64(3), "modifiedMillis": Int64(1_700_000_000_000),
                    "syncedAt": Int64(1_700_000_001_000), "sha1": "ab", "uploadTimestamp": Int64(1_700_000_000_500),
                    "localPath": "/tmp/a/b.csv",
                    "fileInfo": try JSONSerialization.jsonObject(with: Data(info.utf8)),
                ])))
    }

    @Test("cp --json: the download line keeps an explicit null SHA-1; a report leaves out what it lacks")
    func transfers() throws {
        let download: JSONValue = [
            "downloaded": "b2://b/k", "to": "/tmp/k", "size": 5, "sha1": .optional(nil as String?),
        ]
        #expect(
            Self.printed(download)
                == (try Self.serialized(["downloaded": "b2://b/k", "to": "/tmp/k", "size": 5, "sha1": NSNull()])))
        let report = JSONValue.object(omittingNils: [
            ("uploaded", "b2://b/k"), ("size", 5), ("fileId", nil), ("sha1", "ab"),
        ])
        #expect(Self.printed(report) == (try Self.serialized(["uploaded": "b2://b/k", "size": 5, "sha1": "ab"])))
        #expect(Self.printed(["deleted": 2]) == (try Self.serialized(["deleted": 2])))
    }
}
