import Foundation
import NIOCore
import Testing

@testable import B2Emulator

@Suite("S3 API: addressing, XML and checksums")
struct S3ProtocolTests {
    @Test(
        "Requests are addressed by path or by virtual host",
        arguments: [
            ("127.0.0.1:9000", "/bucket-one/a/b%20c", "bucket-one", "a/b c"),
            ("localhost", "/bucket-one", "bucket-one", nil),
            ("s3.us-west-004.backblazeb2.com", "/", nil, nil),
            ("bucket-two.s3.us-west-004.backblazeb2.com", "/k", "bucket-two", "k"),
            ("bucket-two.s3.us-west-004.localhost:80", "/", "bucket-two", nil),
            ("bucket-three.localhost:9000", "/x/y", "bucket-three", "x/y"),
        ] as [(String, String, String?, String?)]
    )
    func addressing(host: String, path: String, bucket: String?, key: String?) throws {
        let address = try #require(S3Address(authority: host, rawPath: path))
        #expect(address.bucket == bucket)
        #expect(address.key == key)
    }

    @Test("Native paths stay native; signed requests elsewhere, or to a virtual host, are S3")
    func dispatch() {
        #expect(!S3Address.isS3(authority: "127.0.0.1:1", rawPath: "/b2api/v4/b2_list_buckets", isAWSSigned: true))
        #expect(!S3Address.isS3(authority: "127.0.0.1:1", rawPath: "/file/bucket/name", isAWSSigned: true))
        #expect(S3Address.isS3(authority: "127.0.0.1:1", rawPath: "/", isAWSSigned: true))
        #expect(S3Address.isS3(authority: "127.0.0.1:1", rawPath: "/bucket-one/file/x", isAWSSigned: true))
        #expect(!S3Address.isS3(authority: "127.0.0.1:1", rawPath: "/bucket-one/x", isAWSSigned: false))
        #expect(S3Address.isS3(authority: "bucket-one.localhost", rawPath: "/file/x", isAWSSigned: false))
    }

    @Test(
        "Malformed XML is refused with MalformedXML, never half-read",
        arguments: [
            "", "<", "<a>", "<a></b>", "<a>x</a><b/>", "<a attr></a>", "<a>&bogus;</a>", "<a><![CDATA[x</a>",
            String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40),
        ]
    )
    func malformedXML(document: String) {
        #expect(throws: S3Error.self) { try S3XMLElement.parse(Array(document.utf8)) }
    }

    @Test("XML entities, namespaces, comments and CDATA are read as S3 clients send them")
    func wellFormedXML() throws {
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment --><s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">
              <s3:Object><s3:Key>a &amp; b &lt;&#233;&#x41;&gt;</s3:Key></s3:Object>
              <s3:Object><s3:Key><![CDATA[x<y]]></s3:Key></s3:Object>
            </s3:Delete>
            """
        let root = try S3XMLElement.parse(Array(document.utf8))
        #expect(root.name == "Delete")
        #expect(root.children("Object").compactMap { $0.child("Key")?.text } == ["a & b <éA>", "x<y"])
    }

    @Test(
        "Checksums match the published check values of \"123456789\"",
        arguments: [
            (S3ChecksumAlgorithm.crc32, [0xCB, 0xF4, 0x39, 0x26]),
            (.crc32c, [0xE3, 0x06, 0x92, 0x83]),
            (.crc64nvme, [0xAE, 0x8B, 0x14, 0x86, 0x0A, 0x79, 0x98, 0x88]),
        ] as [(S3ChecksumAlgorithm, [UInt8])]
    )
    func checksums(algorithm: S3ChecksumAlgorithm, expected: [UInt8]) {
        var checksummer = S3Checksummer(algorithm)
        checksummer.update(ByteBuffer(string: "1234"))
        checksummer.update(ByteBuffer(string: "56789"))
        #expect(checksummer.finalize() == Data(expected).base64EncodedString())
    }

    @Test("Times are written as S3 writes them")
    func times() {
        #expect(S3Time.iso8601(1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(S3Time.httpDate(1_700_000_000_123) == "Tue, 14 Nov 2023 22:13:20 GMT")
    }
}
