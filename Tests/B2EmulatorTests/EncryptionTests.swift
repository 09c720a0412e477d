import B2JSON
import Crypto
import Foundation
import HTTPTypes
import Testing

@testable import B2Emulator

@Suite("Server-side encryption: SSE-B2 and SSE-C, encrypted at rest")
struct EncryptionTests {
    static let sseB2: HTTPFields = [HTTPField.Name("X-Bz-Server-Side-Encryption")!: "AES256"]

    /// The three SSE-C headers for `key`.
    static func sseC(_ key: [UInt8]) -> HTTPFields {
        [
            HTTPField.Name("X-Bz-Server-Side-Encryption-Customer-Algorithm")!: "AES256",
            HTTPField.Name("X-Bz-Server-Side-Encryption-Customer-Key")!: Data(key).base64EncodedString(),
            HTTPField.Name("X-Bz-Server-Side-Encryption-Customer-Key-Md5")!:
                Data(Insecure.MD5.hash(data: key)).base64EncodedString(),
        ]
    }

    static func sseCJSON(_ key: [UInt8]) -> JSONValue {
        [
            "mode": "SSE-C", "algorithm": "AES256", "customerKey": .string(Data(key).base64EncodedString()),
            "customerKeyMd5": .string(Data(Insecure.MD5.hash(data: key)).base64EncodedString()),
        ]
    }

    /// Every file under `folder`, read whole.
    static func storedFiles(_ folder: String) -> [Data] {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var files: [Data] = []
        while let name = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: folder + "/" + name) { files.append(data) }
        }
        return files
    }

    /// True when some stored file holds `needle`.
    static func stored(_ needle: [UInt8], in folder: String) -> Bool {
        storedFiles(folder).contains { $0.range(of: Data(needle)) != nil }
    }

    @Test("SSE-B2 versions are stored encrypted and read back whole and by range, with B2's headers")
    func sseB2() async throws {
        let folder = EmulatorHarness.makeDataDirectory()
        let data = B2TestClient.bytes(5000, seed: 3)
        try await EmulatorHarness.run(dataDirectory: folder) { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("sse-b2-bucket")
            let version = try await client.upload(
                bucketId: bucketId, name: "secret.bin", data: data, headers: Self.sseB2
            )
            .json
            #expect(version["serverSideEncryption"] == ["algorithm": "AES256", "mode": "SSE-B2"])
            let whole = try await client.download(bucket: "sse-b2-bucket", name: "secret.bin")
            #expect(whole.bytes == data)
            #expect(whole.headers[HTTPField.Name("X-Bz-Server-Side-Encryption")!] == "AES256")
            let range = try await client.download(
                bucket: "sse-b2-bucket", name: "secret.bin", headers: [.range: "bytes=1001-2998"])
            #expect(range.bytes == Array(data[1001...2998]))
            let info = try await client.ok("b2_get_file_info", ["fileId": version["fileId"]!])
            #expect(info["serverSideEncryption"]?["mode"] == "SSE-B2")
            let listed = try await client.ok("b2_list_file_names", ["bucketId": .string(bucketId)])
            #expect(listed["files"]?.arrayValue.first?["serverSideEncryption"]?["mode"] == "SSE-B2")
        }
        #expect(!Self.stored(Array(data[100..<132]), in: folder + "/blobs"))
    }

    @Test("SSE-C needs the key on every read, refuses a wrong one as B2 does, and never stores it")
    func sseC() async throws {
        let folder = EmulatorHarness.makeDataDirectory()
        let key = B2TestClient.bytes(32, seed: 9)
        let data = B2TestClient.bytes(3000, seed: 4)
        try await EmulatorHarness.run(dataDirectory: folder) { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("sse-c-bucket")
            let version = try await client.upload(
                bucketId: bucketId, name: "c.bin", data: data, headers: Self.sseC(key)
            ).json
            #expect(version["serverSideEncryption"]?["mode"] == "SSE-C")
            #expect(
                version["serverSideEncryption"]?["customerKeyMd5"]
                    == .string(Data(Insecure.MD5.hash(data: key)).base64EncodedString()))

            let missing = try await client.download(bucket: "sse-c-bucket", name: "c.bin")
            #expect(missing.status == .badRequest)
            #expect(missing.code == "bad_request")
            #expect(missing.message.hasPrefix("The object was stored using a form of Server Side Encryption."))
            let wrong = try await client.download(
                bucket: "sse-c-bucket", name: "c.bin", headers: Self.sseC(B2TestClient.bytes(32, seed: 10)))
            #expect(wrong.status == .forbidden)
            #expect(wrong.code == "access_denied")
            let head = try await client.download(bucket: "sse-c-bucket", name: "c.bin", method: .head)
            #expect(head.status == .badRequest)
            let right = try await client.download(bucket: "sse-c-bucket", name: "c.bin", headers: Self.sseC(key))
            #expect(right.bytes == data)
            #expect(
                right.headers[HTTPField.Name("X-Bz-Server-Side-Encryption-Customer-Key-Md5")!]
                    == Data(Insecure.MD5.hash(data: key)).base64EncodedString())

            let copyWithoutKey = try await client.call(
                "b2_copy_file", ["sourceFileId": version["fileId"]!, "fileName": "copy.bin"])
            #expect(copyWithoutKey.code == "bad_request")
            let copied = try await client.ok(
                "b2_copy_file",
                [
                    "sourceFileId": version["fileId"]!, "fileName": "plain-copy.bin",
                    "sourceServerSideEncryption": Self.sseCJSON(key),
                    "destinationServerSideEncryption": ["mode": "SSE-B2", "algorithm": "AES256"],
                ])
            #expect(copied["serverSideEncryption"]?["mode"] == "SSE-B2")
            #expect(try await client.download(bucket: "sse-c-bucket", name: "plain-copy.bin").bytes == data)
        }
        for file in Self.storedFiles(folder) {
            #expect(file.range(of: Data(key)) == nil)
            #expect(file.range(of: Data(Data(key).base64EncodedString().utf8)) == nil)
        }
        #expect(!Self.stored(Array(data[0..<32]), in: folder + "/blobs"))
    }

    @Test("A bucket's default SSE-B2 applies to new versions; an SSE-C large file takes its key with every part")
    func defaultsAndLargeFiles() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucket = try await client.ok(
                "b2_create_bucket",
                [
                    "accountId": "x", "bucketName": "default-sse", "bucketType": "allPrivate",
                    "defaultServerSideEncryption": ["mode": "SSE-B2", "algorithm": "AES256"],
                ])
            #expect(bucket["defaultServerSideEncryption"]?["value"] == ["algorithm": "AES256", "mode": "SSE-B2"])
            let bucketId = try #require(bucket["bucketId"]?.stringValue)
            let plain = try await client.upload(bucketId: bucketId, name: "d", data: [1, 2, 3]).json
            #expect(plain["serverSideEncryption"]?["mode"] == "SSE-B2")
            #expect(try await client.download(bucket: "default-sse", name: "d").bytes == [1, 2, 3])

            let key = B2TestClient.bytes(32, seed: 11)
            let started = try await client.ok(
                "b2_start_large_file",
                [
                    "bucketId": .string(bucketId), "fileName": "big", "contentType": "b2/x-auto",
                    "serverSideEncryption": Self.sseCJSON(key),
                ])
            let fileId = try #require(started["fileId"]?.stringValue)
            #expect(started["serverSideEncryption"]?["mode"] == "SSE-C")
            let parts = [B2TestClient.bytes(1000, seed: 5), B2TestClient.bytes(777, seed: 6)]
            let target = try await client.ok("b2_get_upload_part_url", ["fileId": .string(fileId)])
            func upload(_ number: Int, headers extra: HTTPFields) async throws -> B2Reply {
                var headers: HTTPFields = [
                    .authorization: target["authorizationToken"]!.stringValue!,
                    HTTPField.Name("X-Bz-Part-Number")!: String(number),
                    HTTPField.Name("X-Bz-Content-Sha1")!: B2TestClient.sha1(parts[number - 1]),
                    .contentLength: String(parts[number - 1].count),
                ]
                headers.append(contentsOf: extra)
                return try await client.send(
                    B2TestClient.path(of: target["uploadUrl"]!.stringValue!), headers: headers,
                    body: .init(bytes: parts[number - 1]))
            }
            #expect(try await upload(1, headers: [:]).code == "bad_request")
            #expect(try await upload(1, headers: Self.sseC(key)).status == .ok)
            #expect(try await upload(2, headers: Self.sseC(key)).status == .ok)
            _ = try await client.ok(
                "b2_finish_large_file",
                [
                    "fileId": .string(fileId),
                    "partSha1Array": .array(parts.map { .string(B2TestClient.sha1($0)) }),
                ])
            let across = try await client.download(
                bucket: "default-sse", name: "big", headers: Self.sseC(key).merging([.range: "bytes=990-1009"]))
            #expect(across.bytes == Array((parts[0] + parts[1])[990...1009]))
            let whole = try await client.download(bucket: "default-sse", name: "big", headers: Self.sseC(key))
            #expect(whole.bytes == parts[0] + parts[1])
        }
    }
}

extension HTTPFields {
    fileprivate func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        merged.append(contentsOf: other)
        return merged
    }
}
