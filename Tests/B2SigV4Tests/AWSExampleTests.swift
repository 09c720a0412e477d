import Foundation
import Testing

@testable import B2SigV4

/// AWS's published S3 SigV4 examples ("Signature Calculations for the Authorization Header: Transferring Payload in
/// a Single Chunk" and "Query String Authentication"): key AKIAIOSFODNN7EXAMPLE, region us-east-1, 2013-05-24.
@Suite("AWS's published S3 SigV4 examples")
struct AWSExampleTests {
    static let credentials = SigV4Credentials(
        accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let signer = SigV4Signer(credentials: credentials, region: "us-east-1")
    static let date = SigV4Timestamp(amzDate: "20130524T000000Z")!.date
    static let host = "examplebucket.s3.amazonaws.com"

    struct Example: Sendable, CustomTestStringConvertible {
        let name: String
        let request: SigV4Request
        let payload: SigV4Payload
        let signedHeaders: String
        let canonicalRequestHash: String?
        let signature: String
        var testDescription: String { name }
    }

    static let examples: [Example] = [
        Example(
            name: "GET Object with Range",
            request: SigV4Request(
                method: "GET", host: host, path: "/test.txt", headers: [SigV4Request.Header("Range", "bytes=0-9")]),
            payload: .empty, signedHeaders: "host;range;x-amz-content-sha256;x-amz-date",
            canonicalRequestHash: "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
            signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
        Example(
            name: "PUT Object",
            request: SigV4Request(
                method: "PUT", host: host, path: "/test$file.text",
                headers: [
                    SigV4Request.Header("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                    SigV4Request.Header("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                ]),
            payload: .sha256(of: Array("Welcome to Amazon S3.".utf8)),
            signedHeaders: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            canonicalRequestHash: "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
            signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
        Example(
            name: "GET Bucket Lifecycle",
            request: SigV4Request(
                method: "GET", host: host, path: "/", query: [SigV4Request.QueryItem("lifecycle")]),
            payload: .empty, signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            canonicalRequestHash: "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca",
            signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
        Example(
            name: "GET Bucket (List Objects)",
            request: SigV4Request(
                method: "GET", host: host, path: "/",
                query: [SigV4Request.QueryItem("prefix", "J"), SigV4Request.QueryItem("max-keys", "2")]),
            payload: .empty, signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            canonicalRequestHash: "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7",
            signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
    ]

    @Test("header signing reproduces the published signature and scope", arguments: examples)
    func headerSigning(_ example: Example) {
        let signed = Self.signer.signHeaders(example.request, payload: example.payload, date: Self.date)
        #expect(signed.signature == example.signature)
        #expect(signed.signedHeaders == example.signedHeaders)
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=\(example.signedHeaders), Signature=\(example.signature)")
        let lines = signed.stringToSign.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4)
        #expect(lines.prefix(3) == ["AWS4-HMAC-SHA256", "20130524T000000Z", "20130524/us-east-1/s3/aws4_request"])
        if let hash = example.canonicalRequestHash {
            #expect(lines.last.map(String.init) == hash)
        }
        #expect(signed.headers.first { $0.name == "x-amz-content-sha256" }?.value == example.payload.hash)
        #expect(signed.headers.first { $0.name == "x-amz-date" }?.value == "20130524T000000Z")
    }

    @Test("the PUT example encodes $ in the key once, and the list example sorts its query")
    func canonicalPathAndQuery() {
        let put = Self.signer.signHeaders(Self.examples[1].request, payload: Self.examples[1].payload, date: Self.date)
        #expect(put.canonicalRequest.hasPrefix("PUT\n/test%24file.text\n\n"))
        #expect(Self.examples[3].request.encodedQuery == "max-keys=2&prefix=J")
        #expect(Self.examples[2].request.encodedQuery == "lifecycle=")
    }

    @Test("presigning reproduces the published URL's signature")
    func presignedURL() {
        let request = SigV4Request(method: "GET", host: Self.host, path: "/test.txt")
        let presigned = Self.signer.presign(request, expires: 86_400, date: Self.date)
        #expect(presigned.signature == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(
            presigned.encodedQuery
                == "X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test("the signing key matches AWS's published derivation example (IAM, 2012-02-15)")
    func signingKeyExample() {
        let key = SigV4Signer.signingKey(
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            scope: SigV4Scope(date: "20120215", region: "us-east-1", service: "iam"))
        #expect(
            key.withUnsafeBytes { Hex.string($0) }
                == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }
}
