import B2SigV4
import Crypto
import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import B2Emulator

@Suite("S3 API: buckets, listings, deletes and multipart uploads")
struct S3BucketListingTests {
    @Test("ListObjectsV2 folds names into common prefixes and pages with continuation tokens")
    func listings() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            let s3 = try await S3TestClient.make(native)
            #expect(try await s3.send(.put, "/list-bucket").status == .ok)
            let names = ["a/1", "a/2", "a/b/3", "b/4", "c", "d%e f"]
            for name in names { try await s3.put("/list-bucket/\(name)", Array(name.utf8)) }
            let top = try #require(
                try await s3.send(.get, "/list-bucket", query: [("list-type", "2"), ("delimiter", "/")]).xml)
            #expect(top.children("CommonPrefixes").compactMap { $0.child("Prefix")?.text } == ["a/", "b/"])
            #expect(top.children("Contents").compactMap { $0.child("Key")?.text } == ["c", "d%e f"])
            #expect(top.child("KeyCount")?.text == "4")

            var seen: [String] = []
            var token: String?
            var pages = 0
            repeat {
                var query = [("list-type", "2"), ("max-keys", "2")]
                if let token { query.append(("continuation-token", token)) }
                let page = try #require(try await s3.send(.get, "/list-bucket", query: query).xml)
                seen += page.children("Contents").compactMap { $0.child("Key")?.text }
                token = page.child("NextContinuationToken")?.text
                #expect((page.child("IsTruncated")?.text == "true") == (token != nil))
                pages += 1
            } while token != nil && pages < 10
            #expect(seen == names)
            #expect(pages == 3)

            let encoded = try #require(
                try await s3.send(.get, "/list-bucket", query: [("prefix", "d"), ("encoding-type", "url")]).xml)
            #expect(encoded.child("Contents")?.child("Key")?.text == "d%25e%20f")
            let acl = try await s3.send(.get, "/list-bucket", query: [("acl", "")])
            #expect(acl.status == .notImplemented)
            #expect(acl.code == "NotImplemented")
            // UploadPartCopy is served: to an upload that does not exist it is S3's NoSuchUpload.
            let partCopy = try await s3.send(
                .put, "/list-bucket/c", query: [("partNumber", "1"), ("uploadId", "4_zx")],
                headers: [S3Headers.copySource: "list-bucket/a/1"])
            #expect(partCopy.code == "NoSuchUpload")
            let bad = try await s3.send(
                .get, "/list-bucket", query: [("list-type", "2"), ("continuation-token", "!!")])
            #expect(bad.code == "InvalidArgument")
        }
    }

    @Test("DeleteObject hides the name (B2 keeps versions); DeleteObjects reports each key; bad XML is refused")
    func deletes() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            _ = try await native.createBucket("delete-bucket")
            let s3 = try await S3TestClient.make(native)
            for name in ["x", "y", "z"] { try await s3.put("/delete-bucket/\(name)", [1, 2]) }
            let deleted = try await s3.send(.delete, "/delete-bucket/x")
            #expect(deleted.status == .noContent)
            #expect(deleted.headers[S3Headers.deleteMarker] == "true")
            #expect(try await s3.send(.get, "/delete-bucket/x").code == "NoSuchKey")
            let document = Array(
                "<Delete><Object><Key>y</Key></Object><Object><Key>z</Key></Object><Quiet>false</Quiet></Delete>".utf8)
            let result = try await s3.send(.post, "/delete-bucket", query: [("delete", "")], body: document)
            #expect(result.xml?.children("Deleted").compactMap { $0.child("Key")?.text } == ["y", "z"])
            for garbage in ["<Delete><Object><Key>y</Key></Delete>", "not xml", "<Delete></Delete>", "<Other/>"] {
                let reply = try await s3.send(
                    .post, "/delete-bucket", query: [("delete", "")], body: Array(garbage.utf8))
                #expect(reply.status == .badRequest, "\(garbage)")
                #expect(reply.code == "MalformedXML", "\(garbage)")
            }
            let notEmpty = try await s3.send(.delete, "/delete-bucket")
            #expect(notEmpty.status == .conflict)
            #expect(notEmpty.code == "BucketNotEmpty")
        }
    }

    @Test("Multipart uploads become large files with the md5-of-md5s-N ETag; bad completions change nothing")
    func multipart() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            _ = try await native.createBucket("multi-bucket")
            let s3 = try await S3TestClient.make(native)
            let created = try await s3.send(.post, "/multi-bucket/big", query: [("uploads", "")])
            let uploadId = try #require(created.xml?.child("UploadId")?.text)
            let parts = [B2TestClient.bytes(10, seed: 1), B2TestClient.bytes(7, seed: 2)]
            var tags: [String] = []
            for (index, part) in parts.enumerated() {
                let reply = try await s3.send(
                    .put, "/multi-bucket/big", query: [("partNumber", String(index + 1)), ("uploadId", uploadId)],
                    body: part)
                tags.append(try #require(reply.headers[.eTag]))
            }
            func complete(_ body: String) async throws -> S3Reply {
                try await s3.send(.post, "/multi-bucket/big", query: [("uploadId", uploadId)], body: Array(body.utf8))
            }
            #expect(try await complete("<CompleteMultipartUpload><Part>").code == "MalformedXML")
            #expect(try await complete("<CompleteMultipartUpload></CompleteMultipartUpload>").code == "MalformedXML")
            let wrongTag = try await complete(
                "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"00\"</ETag></Part>"
                    + "</CompleteMultipartUpload>")
            #expect(wrongTag.code == "InvalidPart")
            let order = try await complete(
                "<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>\(tags[1])</ETag></Part>"
                    + "<Part><PartNumber>1</PartNumber><ETag>\(tags[0])</ETag></Part></CompleteMultipartUpload>")
            #expect(order.code == "InvalidPartOrder")
            let listed = try await s3.send(.get, "/multi-bucket/big", query: [("uploadId", uploadId)])
            #expect(listed.xml?.children("Part").count == 2)

            let body =
                "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + tags.enumerated().map { "<Part><ETag>\($1)</ETag><PartNumber>\($0 + 1)</PartNumber></Part>" }
                .joined() + "</CompleteMultipartUpload>"
            let done = try await complete(body)
            #expect(done.status == .ok, "\(done.text)")
            let digests = parts.flatMap { Array(Insecure.MD5.hash(data: $0)) }
            let expected = "\"\(Hex.string(Insecure.MD5.hash(data: digests)))-2\""
            #expect(done.xml?.child("ETag")?.text == expected)
            let got = try await s3.send(.get, "/multi-bucket/big")
            #expect(got.bytes == parts[0] + parts[1])
            #expect(got.headers[.eTag] == expected)
            #expect(try await native.download(bucket: "multi-bucket", name: "big").bytes == parts[0] + parts[1])
            #expect(try await complete(body).code == "NoSuchUpload")
        }
    }

    @Test("Virtual-host-style requests name the bucket in the Host header")
    func virtualHost() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            _ = try await native.createBucket("vhost-bucket")
            let s3 = try await S3TestClient.make(native)
            try await s3.put("/vhost-bucket/k.txt", Array("by host".utf8))
            for host in ["vhost-bucket.s3.us-west-004.localhost:\(base.port)", "vhost-bucket.localhost:\(base.port)"] {
                let request = SigV4Request(method: "GET", host: host, path: "/k.txt")
                let signed = s3.signer.signHeaders(request, payload: .unsigned, date: Date())
                let head =
                    "GET /k.txt HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
                    + signed.headers.map { "\($0.name): \($0.value)\r\n" }.joined() + "\r\n"
                let (status, body) = RawHTTP.split(
                    await RawHTTP.exchangeOffPool(port: base.port, request: Array(head.utf8)))
                #expect(status.hasPrefix("HTTP/1.1 200"), "\(host): \(status)")
                #expect(body == Array("by host".utf8))
            }
        }
    }

    @Test("Expect: 100-continue gets an interim 100 Continue, so SDK uploads do not wait a second for it")
    func expectContinue() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            _ = try await native.createBucket("expect-bucket")
            let s3 = try await S3TestClient.make(native)
            let host = "127.0.0.1:\(base.port)"
            let request = SigV4Request(
                method: "PUT", host: host, path: "/expect-bucket/e", headers: [.init("expect", "100-continue")])
            let signed = s3.signer.signHeaders(request, payload: .unsigned, date: Date())
            let head =
                "PUT /expect-bucket/e HTTP/1.1\r\nHost: \(host)\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n" + signed.headers.map { "\($0.name): \($0.value)\r\n" }.joined() + "\r\n"
            let raw = await RawHTTP.exchangeOffPool(port: base.port, request: Array(head.utf8) + Array("hello".utf8))
            let text = String(decoding: raw, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"), "\(text.prefix(200))")
            #expect(try await s3.send(.get, "/expect-bucket/e").bytes == Array("hello".utf8))
        }
    }
}
