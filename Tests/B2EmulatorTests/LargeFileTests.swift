import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import B2Emulator

@Suite("Large files")
struct LargeFileTests {
    func uploadPart(_ client: B2TestClient, fileId: String, number: Int, data: [UInt8]) async throws -> B2Reply {
        let target = try await client.ok("b2_get_upload_part_url", ["fileId": .string(fileId)])
        return try await client.send(
            B2TestClient.path(of: target["uploadUrl"]!.stringValue!),
            headers: [
                .authorization: target["authorizationToken"]!.stringValue!,
                HTTPField.Name("X-Bz-Part-Number")!: String(number),
                HTTPField.Name("X-Bz-Content-Sha1")!: B2TestClient.sha1(data),
                .contentLength: String(data.count),
            ],
            body: ByteBuffer(bytes: data)
        )
    }

    @Test("Parts arrive concurrently and out of order; finish assembles them in order")
    func concurrentParts() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("large-bucket")
            let started = try await client.ok(
                "b2_start_large_file",
                [
                    "bucketId": .string(bucketId), "fileName": "big.bin", "contentType": "b2/x-auto",
                    "fileInfo": ["large_file_sha1": "abc"],
                ]
            )
            #expect(started["action"] == "start")
            #expect(started["contentSha1"] == "none")
            let fileId = started["fileId"]!.stringValue!
            let parts = (1...5).map { B2TestClient.bytes(100_000 + $0, seed: UInt64($0)) }
            let unfinished = try await client.ok(
                "b2_list_unfinished_large_files",
                ["bucketId": .string(bucketId), "namePrefix": "big", "startFileId": nil]
            )
            #expect(unfinished["files"]!.arrayValue.map { $0["fileId"]!.stringValue! } == [fileId])
            let uploader = client
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in [4, 2, 5, 1, 3] {
                    group.addTask {
                        let reply = try await uploadPart(
                            uploader, fileId: fileId, number: number, data: parts[number - 1])
                        #expect(reply.status == .ok, "\(reply.message)")
                        #expect(reply.json["partNumber"] == .int(Int64(number)))
                    }
                }
                try await group.waitForAll()
            }
            let listed = try await client.ok("b2_list_parts", ["fileId": .string(fileId), "maxPartCount": 3])
            #expect(listed["parts"]!.arrayValue.map { $0["partNumber"]!.intValue! } == [1, 2, 3])
            #expect(listed["nextPartNumber"] == .int(4))

            let wrong = try await client.call(
                "b2_finish_large_file",
                [
                    "fileId": .string(fileId),
                    "partSha1Array": .array(parts.map { _ in .string(String(repeating: "a", count: 40)) }),
                ]
            )
            #expect(wrong.code == "part_sha1_mismatch")
            let missing = try await client.call(
                "b2_finish_large_file",
                [
                    "fileId": .string(fileId),
                    "partSha1Array": .array((parts + [[1]]).map { .string(B2TestClient.sha1($0)) }),
                ]
            )
            #expect(missing.code == "missing_part")
            let finished = try await client.ok(
                "b2_finish_large_file",
                ["fileId": .string(fileId), "partSha1Array": .array(parts.map { .string(B2TestClient.sha1($0)) })]
            )
            #expect(finished["action"] == "upload")
            #expect(finished["contentSha1"] == "none")
            #expect(finished["contentLength"] == .int(Int64(parts.reduce(0) { $0 + $1.count })))
            let download = try await client.download(bucket: "large-bucket", name: "big.bin")
            #expect(download.bytes == parts.flatMap { $0 })
            #expect(download.headers[HTTPField.Name("x-bz-info-large_file_sha1")!] == "abc")
            let after = try await client.ok("b2_list_unfinished_large_files", ["bucketId": .string(bucketId)])
            #expect(after["files"]!.arrayValue.isEmpty)
        }
    }

    @Test("Cancel removes an unfinished file; bad part input is refused")
    func cancelAndBadInput() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("cancel-bucket")
            let fileId = try await client.ok(
                "b2_start_large_file", ["bucketId": .string(bucketId), "fileName": "c", "contentType": "text/plain"]
            )["fileId"]!.stringValue!
            let outOfRange = try await uploadPart(client, fileId: fileId, number: 10_001, data: [1])
            #expect(outOfRange.message.contains("1 to 10000"))
            #expect(try await uploadPart(client, fileId: fileId, number: 1, data: [1]).status == .ok)
            let cancelled = try await client.ok("b2_cancel_large_file", ["fileId": .string(fileId)])
            #expect(cancelled["fileName"] == "c")
            #expect(try await client.call("b2_get_upload_part_url", ["fileId": .string(fileId)]).status == .notFound)
            #expect(try await client.call("b2_finish_large_file", ["fileId": "4_zmissing"]).status == .notFound)
            let versions = try await client.ok("b2_list_file_versions", ["bucketId": .string(bucketId)])
            #expect(versions["files"]!.arrayValue.isEmpty)
        }
    }

    @Test("Parts but the last must reach the minimum part size")
    func minimumPartSize() async throws {
        try await EmulatorHarness.run(configure: { $0.absoluteMinimumPartSize = 1000 }) { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("min-bucket")
            let fileId = try await client.ok(
                "b2_start_large_file", ["bucketId": .string(bucketId), "fileName": "m", "contentType": "b2/x-auto"]
            )["fileId"]!.stringValue!
            let small = [UInt8](repeating: 7, count: 10)
            _ = try await uploadPart(client, fileId: fileId, number: 1, data: small)
            _ = try await uploadPart(client, fileId: fileId, number: 2, data: small)
            let reply = try await client.call(
                "b2_finish_large_file",
                [
                    "fileId": .string(fileId),
                    "partSha1Array": [.string(B2TestClient.sha1(small)), .string(B2TestClient.sha1(small))],
                ]
            )
            #expect(reply.message.contains("at least 1000 bytes"))
        }
    }
}

@Suite("Large files kept as parts")
struct LargeFileSegmentTests {
    func partUpload(_ client: B2TestClient, fileId: String, number: Int, data: [UInt8]) async throws -> B2Reply {
        try await LargeFileTests().uploadPart(client, fileId: fileId, number: number, data: data)
    }

    @Test("Ranges and ranged copies that cross part boundaries read the right bytes")
    func crossBoundaries() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("segment-bucket")
            let fileId = try await client.ok(
                "b2_start_large_file", ["bucketId": .string(bucketId), "fileName": "s.bin", "contentType": "b2/x-auto"]
            )["fileId"]!.stringValue!
            let parts = (1...3).map { B2TestClient.bytes(1000, seed: UInt64($0 * 7)) }
            for (index, part) in parts.enumerated() {
                #expect(try await partUpload(client, fileId: fileId, number: index + 1, data: part).status == .ok)
            }
            _ = try await client.ok(
                "b2_finish_large_file",
                ["fileId": .string(fileId), "partSha1Array": .array(parts.map { .string(B2TestClient.sha1($0)) })]
            )
            let whole = parts.flatMap { $0 }
            let across = try await client.download(
                bucket: "segment-bucket", name: "s.bin", headers: [.range: "bytes=990-2010"]
            )
            #expect(across.bytes == Array(whole[990...2010]))
            let copy = try await client.ok(
                "b2_copy_file", ["sourceFileId": .string(fileId), "fileName": "c.bin", "range": "bytes=995-1004"]
            )
            #expect(copy["contentSha1"]?.stringValue == B2TestClient.sha1(Array(whole[995...1004])))
            #expect(
                try await client.download(bucket: "segment-bucket", name: "c.bin").bytes == Array(whole[995...1004]))
        }
    }

    @Test("A crash between moving a large file's parts into place and committing leaves it unfinished, parts intact")
    func crashDuringFinish() async throws {
        let directory = EmulatorHarness.makeDataDirectory()
        let part = B2TestClient.bytes(2000, seed: 5)
        let (bucketId, fileId) = try await EmulatorHarness.run(dataDirectory: directory) { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("crash-finish")
            let fileId = try await client.ok(
                "b2_start_large_file", ["bucketId": .string(bucketId), "fileName": "f.bin", "contentType": "b2/x-auto"]
            )["fileId"]!.stringValue!
            #expect(try await partUpload(client, fileId: fileId, number: 1, data: part).status == .ok)
            #expect(try await partUpload(client, fileId: fileId, number: 2, data: part).status == .ok)
            return (bucketId, fileId)
        }
        // What the rename half of finish leaves behind when the process dies before the commit.
        try FileManager.default.moveItem(atPath: directory + "/parts/" + fileId, toPath: directory + "/blobs/" + fileId)
        try await EmulatorHarness.run(dataDirectory: directory) { (base: B2TestClient) async throws -> Void in
            var client = base
            _ = try await client.authorize()
            let unfinished = try await client.ok("b2_list_unfinished_large_files", ["bucketId": .string(bucketId)])
            #expect(unfinished["files"]!.arrayValue.count == 1)
            _ = try await client.ok(
                "b2_finish_large_file",
                [
                    "fileId": .string(fileId),
                    "partSha1Array": [.string(B2TestClient.sha1(part)), .string(B2TestClient.sha1(part))],
                ]
            )
            #expect(try await client.download(bucket: "crash-finish", name: "f.bin").bytes == part + part)
        }
    }
}
