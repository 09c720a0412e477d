import B2SigV4
import HTTPTypes
import NIOCore
import Testing

@testable import B2Emulator

@Suite("Uploads and downloads")
struct UploadDownloadTests {
    static let name = "dir/héllo wörld+plus%.txt"

    @Test("An upload is stored with its SHA-1, MD5, type and info, and downloads by name and by id")
    func roundTrip() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("files-bucket")
            let data = B2TestClient.bytes(10_000)
            let reply = try await client.upload(
                bucketId: bucketId, name: Self.name, data: data,
                info: [
                    ("src_last_modified_millis", "1700000000000"), ("note", "a b+c/é"),
                    ("b2-content-disposition", "attachment"),
                ]
            )
            #expect(reply.status == .ok, "\(reply.message)")
            let file = reply.json
            #expect(file["action"] == "upload")
            #expect(file["contentSha1"]?.stringValue == B2TestClient.sha1(data))
            #expect(file["contentMd5"]?.stringValue?.count == 32)
            #expect(file["contentType"] == "text/plain")
            #expect(file["fileName"]?.stringValue == Self.name)
            #expect(file["fileInfo"]?["note"] == "a b+c/é")
            #expect(file["fileRetention"] != nil && file["legalHold"] != nil)
            let fileId = try #require(file["fileId"]?.stringValue)

            let download = try await client.download(bucket: "files-bucket", name: Self.name)
            #expect(download.status == .ok)
            #expect(download.bytes == data)
            #expect(download.headers[HTTPField.Name("x-bz-content-sha1")!] == B2TestClient.sha1(data))
            #expect(download.headers[HTTPField.Name("x-bz-file-name")!] == PercentEncoding.b2.encode(Self.name))
            #expect(download.headers[HTTPField.Name("x-bz-info-note")!] == "a%20b%2Bc/%C3%A9")
            #expect(download.headers[.contentDisposition] == "attachment")
            #expect(download.headers[HTTPField.Name("x-bz-file-id")!] == fileId)

            let head = try await client.download(bucket: "files-bucket", name: Self.name, method: .head)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == "10000")
            #expect(head.bytes.isEmpty)

            let byId = try await client.send(
                "/b2api/v4/b2_download_file_by_id?fileId=\(fileId)", method: .get,
                headers: [.authorization: client.token]
            )
            #expect(byId.bytes == data)
            let info = try await client.ok("b2_get_file_info", ["fileId": .string(fileId)])
            #expect(info["contentLength"] == .int(10_000))
        }
    }

    @Test("Ranges answer 206 with Content-Range; outside ranges 416")
    func ranges() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("range-bucket")
            let data = B2TestClient.bytes(1000)
            _ = try await client.upload(bucketId: bucketId, name: "r.bin", data: data)
            let part = try await client.download(
                bucket: "range-bucket", name: "r.bin", headers: [.range: "bytes=100-199"])
            #expect(part.status == .partialContent)
            #expect(part.headers[.contentRange] == "bytes 100-199/1000")
            #expect(part.bytes == Array(data[100...199]))
            let tail = try await client.download(bucket: "range-bucket", name: "r.bin", headers: [.range: "bytes=-10"])
            #expect(tail.bytes == Array(data[990...]))
            let outside = try await client.download(
                bucket: "range-bucket", name: "r.bin", headers: [.range: "bytes=1000-"])
            #expect(outside.status == .rangeNotSatisfiable)
            #expect(outside.code == "range_not_satisfiable")
        }
    }

    @Test("hex_digits_at_end and do_not_verify are honoured")
    func sha1Modes() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("sha-bucket")
            let data = B2TestClient.bytes(3000)
            let trailer = Array(B2TestClient.sha1(data).utf8)
            let atEnd = try await client.upload(
                bucketId: bucketId, name: "end", data: data + trailer, sha1: "hex_digits_at_end")
            #expect(atEnd.json["contentSha1"]?.stringValue == B2TestClient.sha1(data))
            #expect(atEnd.json["contentLength"] == .int(3000))
            #expect(try await client.download(bucket: "sha-bucket", name: "end").bytes == data)
            let unverified = try await client.upload(bucketId: bucketId, name: "nv", data: data, sha1: "do_not_verify")
            #expect(unverified.json["contentSha1"]?.stringValue == "unverified:" + B2TestClient.sha1(data))
        }
    }

    @Test("Bad uploads are refused with what to fix, and nothing is stored")
    func badUploads() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("bad-uploads")
            let data = B2TestClient.bytes(100)
            let wrongSha = try await client.upload(
                bucketId: bucketId, name: "a", data: data, sha1: String(repeating: "0", count: 40))
            #expect(wrongSha.status == .badRequest)
            #expect(wrongSha.message.contains("Sha1 did not match"))
            let badTrailer = try await client.upload(
                bucketId: bucketId, name: "b", data: data + Array(String(repeating: "1", count: 40).utf8),
                sha1: "hex_digits_at_end"
            )
            #expect(badTrailer.status == .badRequest)
            let notHex = try await client.upload(bucketId: bucketId, name: "c", data: data, sha1: "xyz")
            #expect(notHex.message.contains("40 hex digits"))
            let tooLong = try await client.upload(
                bucketId: bucketId, name: String(repeating: "n", count: 1025), data: data)
            #expect(tooLong.message.contains("1024 bytes"))
            let control = try await client.upload(bucketId: bucketId, name: "bell\u{07}", data: data)
            #expect(control.message.contains("control character"))
            let badInfo = try await client.upload(
                bucketId: bucketId, name: "d", data: data, info: [("b2-unknown", "x")])
            #expect(badInfo.message.contains("reserved"))

            let target = try await client.ok("b2_get_upload_url", ["bucketId": .string(bucketId)])
            let uploadPath = B2TestClient.path(of: target["uploadUrl"]?.stringValue ?? "")
            let badEncoding = try await client.send(
                uploadPath,
                headers: [
                    .authorization: target["authorizationToken"]?.stringValue ?? "",
                    HTTPField.Name("X-Bz-File-Name")!: "bad%zzname", .contentType: "b2/x-auto",
                    HTTPField.Name("X-Bz-Content-Sha1")!: B2TestClient.sha1(data), .contentLength: "100",
                ],
                body: ByteBuffer(bytes: data)
            )
            #expect(badEncoding.message.contains("percent-encoded"))
            let accountTokenOnUpload = try await client.send(
                uploadPath,
                headers: [
                    .authorization: client.token, HTTPField.Name("X-Bz-File-Name")!: "e",
                    HTTPField.Name("X-Bz-Content-Sha1")!: B2TestClient.sha1(data),
                ],
                body: ByteBuffer(bytes: data)
            )
            #expect(accountTokenOnUpload.code == "bad_auth_token")
            let unknownBucket = try await client.call("b2_get_upload_url", ["bucketId": "0000"])
            #expect(unknownBucket.code == "bad_bucket_id")

            let listing = try await client.ok("b2_list_file_versions", ["bucketId": .string(bucketId)])
            #expect(listing["files"]?.arrayValue.isEmpty == true)
        }
    }

    @Test("Hide, delete and copy")
    func hideDeleteCopy() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("hide-bucket")
            let data = B2TestClient.bytes(500)
            let uploaded = try await client.upload(bucketId: bucketId, name: "x.txt", data: data).json
            let fileId = try #require(uploaded["fileId"]?.stringValue)

            let copy = try await client.ok(
                "b2_copy_file", ["sourceFileId": .string(fileId), "fileName": "copy.txt", "metadataDirective": "COPY"]
            )
            #expect(copy["action"] == "copy")
            #expect(try await client.download(bucket: "hide-bucket", name: "copy.txt").bytes == data)
            let ranged = try await client.ok(
                "b2_copy_file", ["sourceFileId": .string(fileId), "fileName": "part.txt", "range": "bytes=10-19"]
            )
            #expect(ranged["contentSha1"]?.stringValue == B2TestClient.sha1(Array(data[10...19])))
            let replaceWithoutType = try await client.call(
                "b2_copy_file", ["sourceFileId": .string(fileId), "fileName": "y", "metadataDirective": "REPLACE"]
            )
            #expect(replaceWithoutType.message.contains("contentType is required"))

            let hidden = try await client.ok("b2_hide_file", ["bucketId": .string(bucketId), "fileName": "x.txt"])
            #expect(hidden["action"] == "hide")
            #expect(try await client.download(bucket: "hide-bucket", name: "x.txt").status == .notFound)
            #expect(
                try await client.call("b2_hide_file", ["bucketId": .string(bucketId), "fileName": "x.txt"]).code
                    == "already_hidden")
            #expect(
                try await client.call("b2_hide_file", ["bucketId": .string(bucketId), "fileName": "none"]).code
                    == "no_such_file")
            let names = try await client.ok("b2_list_file_names", ["bucketId": .string(bucketId)])
            #expect(names["files"]?.arrayValue.map { $0["fileName"]?.stringValue } == ["copy.txt", "part.txt"])

            _ = try await client.ok("b2_delete_file_version", ["fileId": .string(fileId), "fileName": "x.txt"])
            let missing = try await client.call("b2_get_file_info", ["fileId": .string(fileId)])
            #expect(missing.status == .notFound)
            #expect(try await client.call("b2_get_file_info", ["fileId": "bad-id"]).message == "Invalid fileId: bad-id")
            // The copy shared the original's bytes; deleting the original must not lose them.
            #expect(try await client.download(bucket: "hide-bucket", name: "copy.txt").bytes == data)
        }
    }

    @Test("Public buckets download without a token; private ones need one; download authorizations cover a prefix")
    func downloadAuthorization() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let publicId = try await client.createBucket("public-bucket", type: "allPublic")
            let privateId = try await client.createBucket("private-bucket")
            let publicFile = try await client.upload(bucketId: publicId, name: "p", data: [1, 2, 3]).json
            let privateFile = try await client.upload(bucketId: privateId, name: "shared/a", data: [4]).json
            _ = try await client.upload(bucketId: privateId, name: "secret/b", data: [5])
            #expect(try await client.send("/file/public-bucket/p", method: .get).bytes == [1, 2, 3])
            #expect(try await client.send("/file/private-bucket/shared/a", method: .get).code == "missing_auth_token")
            // By id as by name (b2sdk's raw API test reads a public version by id with no token).
            let publicById = try #require(publicFile["fileId"]?.stringValue)
            let privateById = try #require(privateFile["fileId"]?.stringValue)
            let byId = "/b2api/v4/b2_download_file_by_id?fileId="
            #expect(try await client.send(byId + publicById, method: .get).bytes == [1, 2, 3])
            #expect(try await client.send(byId + privateById, method: .get).code == "missing_auth_token")
            #expect(
                try await client.send(byId + privateById, method: .get, headers: [.authorization: client.token]).bytes
                    == [4])
            let grant = try await client.ok(
                "b2_get_download_authorization",
                ["bucketId": .string(privateId), "fileNamePrefix": "shared/", "validDurationInSeconds": 60]
            )
            let token = try #require(grant["authorizationToken"]?.stringValue)
            #expect(
                try await client.send("/file/private-bucket/shared/a?Authorization=\(token)", method: .get).bytes == [4]
            )
            let outside = try await client.send(
                "/file/private-bucket/secret/b", method: .get, headers: [.authorization: token])
            #expect(outside.status == .unauthorized)
            #expect(outside.code == "unauthorized")
        }
    }
}
