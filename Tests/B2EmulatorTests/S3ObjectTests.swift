import B2SigV4
import Crypto
import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import B2Emulator

@Suite("S3 API: objects on the native storage")
struct S3ObjectTests {
    static func md5(_ data: [UInt8]) -> String { Hex.string(Insecure.MD5.hash(data: data)) }

    @Test("An S3 PUT is the native API's file (bytes, SHA-1, type, info, time) and a native upload reads through S3")
    func crossAPI() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            let bucketId = try await native.createBucket("cross-bucket")
            let s3 = try await S3TestClient.make(native)
            let data = B2TestClient.bytes(20_000, seed: 3)
            let put = try await s3.put(
                "/cross-bucket/dir/a b.bin", data,
                headers: [.contentType: "application/x-test", HTTPField.Name("x-amz-meta-color")!: "blue"])
            #expect(put.headers[.eTag] == "\"\(Self.md5(data))\"")

            let download = try await native.download(bucket: "cross-bucket", name: "dir/a b.bin")
            #expect(download.bytes == data)
            #expect(download.headers[HTTPField.Name("x-bz-content-sha1")!] == B2TestClient.sha1(data))
            #expect(download.headers[.contentType] == "application/x-test")
            #expect(download.headers[HTTPField.Name("x-bz-info-color")!] == "blue")
            let uploaded = try #require(download.headers[HTTPField.Name("x-bz-upload-timestamp")!].flatMap(Int64.init))
            let head = try await s3.send(.head, "/cross-bucket/dir/a b.bin")
            #expect(head.headers[.lastModified] == S3Time.httpDate(uploaded))
            #expect(head.headers[.contentLength] == "20000")

            let text = Array("native bytes".utf8)
            let reply = try await native.upload(
                bucketId: bucketId, name: "native.txt", data: text, info: [("origin", "b2")], contentType: "text/plain")
            #expect(reply.status == .ok)
            let get = try await s3.send(.get, "/cross-bucket/native.txt")
            #expect(get.status == .ok)
            #expect(get.bytes == text)
            #expect(get.headers[.eTag] == "\"\(Self.md5(text))\"")
            #expect(get.headers[HTTPField.Name("x-amz-meta-origin")!] == "b2")
            #expect(get.headers[S3Headers.versionId] == reply.json["fileId"]?.stringValue)
        }
    }

    @Test("Ranges answer 206 with Content-Range; a range past the end answers 416 InvalidRange")
    func ranges() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            _ = try await native.createBucket("range-bucket")
            let s3 = try await S3TestClient.make(native)
            let data = B2TestClient.bytes(1000, seed: 4)
            try await s3.put("/range-bucket/r", data)
            let part = try await s3.send(.get, "/range-bucket/r", headers: [.range: "bytes=100-199"])
            #expect(part.status == .partialContent)
            #expect(part.headers[.contentRange] == "bytes 100-199/1000")
            #expect(part.bytes == Array(data[100..<200]))
            let outside = try await s3.send(.get, "/range-bucket/r", headers: [.range: "bytes=1000-"])
            #expect(outside.status == .rangeNotSatisfiable)
            #expect(outside.code == "InvalidRange")
            #expect(outside.headers[.contentRange] == "bytes */1000")
        }
    }

    @Test("Unknown buckets, keys, versions and upload ids answer S3's 404 codes")
    func unknownThings() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            _ = try await native.createBucket("known-bucket")
            let s3 = try await S3TestClient.make(native)
            #expect(try await s3.send(.get, "/missing-bucket/x").code == "NoSuchBucket")
            #expect(try await s3.send(.get, "/known-bucket/missing").code == "NoSuchKey")
            let version = try await s3.send(.get, "/known-bucket/missing", query: [("versionId", "4_zbogus")])
            #expect(version.code == "NoSuchVersion")
            let abort = try await s3.send(.delete, "/known-bucket/k", query: [("uploadId", "4_znothing")])
            #expect(abort.status == .notFound)
            #expect(abort.code == "NoSuchUpload")
            let head = try await s3.send(.head, "/known-bucket/missing")
            #expect(head.status == .notFound)
            #expect(head.bytes.isEmpty)
        }
    }

    @Test("A signed SHA-256, Content-MD5 or x-amz-checksum that does not match the body stores nothing")
    func payloadMismatches() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            _ = try await native.createBucket("digest-bucket")
            let s3 = try await S3TestClient.make(native)
            let data = Array("hello world".utf8)
            let wrongHash = try await s3.send(
                .put, "/digest-bucket/a", body: data, payload: .sha256(of: Array("other".utf8)))
            #expect(wrongHash.status == .badRequest)
            #expect(wrongHash.code == "XAmzContentSHA256Mismatch")

            let crc = HTTPField.Name("x-amz-checksum-crc32")!
            let badCRC = try await s3.send(.put, "/digest-bucket/b", headers: [crc: "AAAAAA=="], body: data)
            #expect(badCRC.code == "BadDigest")
            #expect(badCRC.message.contains("DUoRhQ=="))
            let badMD5 = try await s3.send(
                .put, "/digest-bucket/c", headers: [S3Headers.contentMD5: "AAAAAAAAAAAAAAAAAAAAAA=="], body: data)
            #expect(badMD5.code == "BadDigest")
            for name in ["a", "b", "c"] {
                #expect(try await s3.send(.head, "/digest-bucket/\(name)").status == .notFound)
            }
            let listing = try await native.ok(
                "b2_list_file_versions", ["bucketId": .string(try await bucketId(native))])
            #expect(listing["files"]?.arrayValue.isEmpty == true)

            let good = try await s3.send(
                .put, "/digest-bucket/d",
                headers: [
                    crc: "DUoRhQ==", S3Headers.contentMD5: Data(Insecure.MD5.hash(data: data)).base64EncodedString(),
                ],
                body: data, payload: .unsigned)
            #expect(good.status == .ok)
        }
    }

    @Test("aws-chunked bodies with a trailing checksum are unframed and checked; a bad trailer stores nothing")
    func awsChunked() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            _ = try await native.createBucket("chunk-bucket")
            let s3 = try await S3TestClient.make(native)
            let data = B2TestClient.bytes(70_000, seed: 5)
            var checksummer = S3Checksummer(.crc32)
            checksummer.update(ByteBuffer(bytes: data))
            func framed(_ trailer: String) -> [UInt8] {
                Array("10000\r\n".utf8) + data[0..<65536] + Array("\r\n\(String(70_000 - 65536, radix: 16))\r\n".utf8)
                    + data[65536...] + Array("\r\n0\r\nx-amz-checksum-crc32:\(trailer)\r\n\r\n".utf8)
            }
            let headers: HTTPFields = [
                .contentEncoding: "aws-chunked", S3Headers.decodedContentLength: "70000",
                S3Headers.trailer: "x-amz-checksum-crc32",
            ]
            let ok = try await s3.send(
                .put, "/chunk-bucket/ok", headers: headers, body: framed(checksummer.finalize()),
                payload: .streamingUnsignedTrailer)
            #expect(ok.status == .ok, "\(ok.text)")
            #expect(try await s3.send(.get, "/chunk-bucket/ok").bytes == data)
            let download = try await native.download(bucket: "chunk-bucket", name: "ok")
            #expect(download.headers[HTTPField.Name("x-bz-content-sha1")!] == B2TestClient.sha1(data))

            let bad = try await s3.send(
                .put, "/chunk-bucket/bad", headers: headers, body: framed("AAAAAA=="),
                payload: .streamingUnsignedTrailer)
            #expect(bad.code == "BadDigest")
            let garbled = try await s3.send(
                .put, "/chunk-bucket/garbled", headers: headers, body: Array("zz\r\nhello".utf8),
                payload: .streamingUnsignedTrailer)
            #expect(garbled.status == .badRequest)
            #expect(try await s3.send(.head, "/chunk-bucket/bad").status == .notFound)
            #expect(try await s3.send(.head, "/chunk-bucket/garbled").status == .notFound)
        }
    }

    @Test("Copy shares the source's bytes and metadata; REPLACE takes the request's")
    func copy() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            _ = try await native.createBucket("copy-bucket")
            let s3 = try await S3TestClient.make(native)
            let data = Array("copied".utf8)
            try await s3.put("/copy-bucket/src", data, headers: [HTTPField.Name("x-amz-meta-k")!: "v"])
            let copied = try await s3.send(
                .put, "/copy-bucket/dst", headers: [S3Headers.copySource: "/copy-bucket/src"])
            #expect(copied.status == .ok)
            #expect(copied.xml?.child("ETag")?.text == "\"\(Self.md5(data))\"")
            let got = try await s3.send(.get, "/copy-bucket/dst")
            #expect(got.bytes == data)
            #expect(got.headers[HTTPField.Name("x-amz-meta-k")!] == "v")
            let replaced = try await s3.send(
                .put, "/copy-bucket/dst2",
                headers: [
                    S3Headers.copySource: "copy-bucket/src", S3Headers.metadataDirective: "REPLACE",
                    HTTPField.Name("x-amz-meta-new")!: "1",
                ])
            #expect(replaced.status == .ok)
            let head = try await s3.send(.head, "/copy-bucket/dst2")
            #expect(head.headers[HTTPField.Name("x-amz-meta-new")!] == "1")
            #expect(head.headers[HTTPField.Name("x-amz-meta-k")!] == nil)
            let bad = try await s3.send(.put, "/copy-bucket/x", headers: [S3Headers.copySource: "nokey"])
            #expect(bad.code == "InvalidArgument")
        }
    }

    @Test("UploadPartCopy makes parts of ranges of another object; a malformed or outside range is refused")
    func uploadPartCopy() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            _ = try await native.createBucket("part-copy-bucket")
            let s3 = try await S3TestClient.make(native)
            let data = B2TestClient.bytes(16, seed: 9)
            try await s3.put("/part-copy-bucket/src", data)
            let created = try await s3.send(.post, "/part-copy-bucket/joined", query: [("uploads", "")])
            let uploadId = try #require(created.xml?.child("UploadId")?.text)
            var eTags: [String] = []
            for (number, range) in [(1, "bytes=10-15"), (2, "bytes=0-9")] {
                let part = try await s3.send(
                    .put, "/part-copy-bucket/joined", query: [("partNumber", "\(number)"), ("uploadId", uploadId)],
                    headers: [S3Headers.copySource: "/part-copy-bucket/src", S3Headers.copySourceRange: range])
                #expect(part.status == .ok)
                #expect(part.xml?.name == "CopyPartResult")
                eTags.append(try #require(part.xml?.child("ETag")?.text))
            }
            #expect(eTags == ["\"\(Self.md5(Array(data[10...])))\"", "\"\(Self.md5(Array(data[..<10])))\""])
            for (range, message) in [
                ("bytes=4-", "must be of the form bytes=first-last"), ("bytes=0-16", "source object of size: 16"),
            ] {
                let refused = try await s3.send(
                    .put, "/part-copy-bucket/joined", query: [("partNumber", "3"), ("uploadId", uploadId)],
                    headers: [S3Headers.copySource: "/part-copy-bucket/src", S3Headers.copySourceRange: range])
                #expect(refused.code == "InvalidArgument")
                #expect(refused.xml?.child("Message")?.text.contains(message) == true)
            }
            let parts = eTags.enumerated().map {
                "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\($0.element)</ETag></Part>"
            }
            let completed = try await s3.send(
                .post, "/part-copy-bucket/joined", query: [("uploadId", uploadId)],
                body: Array("<CompleteMultipartUpload>\(parts.joined())</CompleteMultipartUpload>".utf8))
            #expect(completed.status == .ok)
            let joined = try await s3.send(.get, "/part-copy-bucket/joined")
            #expect(joined.bytes == Array(data[10...]) + Array(data[..<10]))
        }
    }

    private func bucketId(_ native: B2TestClient) async throws -> String {
        let buckets = try await native.ok("b2_list_buckets", ["accountId": "x"])
        return try #require(buckets["buckets"]?.arrayValue.first?["bucketId"]?.stringValue)
    }
}
