import B2JSON
import Foundation
import HTTPTypes
import Testing

@testable import B2Emulator

@Suite("b2_copy_part: large-file parts made of ranges of existing versions")
struct CopyPartTests {
    static func start(
        _ client: B2TestClient, bucketId: String, name: String, encryption: JSONValue? = nil
    ) async throws -> String {
        var fields: [(String, JSONValue)] = [
            ("bucketId", .string(bucketId)), ("fileName", .string(name)), ("contentType", "b2/x-auto"),
        ]
        if let encryption { fields.append(("serverSideEncryption", encryption)) }
        let started = try await client.ok("b2_start_large_file", .object(fields))
        return try #require(started["fileId"]?.stringValue)
    }

    @Test("Ranges of a version become parts, and the finished file reads back as the source")
    func ranges() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("copy-part-bucket")
            let data = B2TestClient.bytes(12_000, seed: 21)
            let source = try await client.upload(bucketId: bucketId, name: "source.bin", data: data).json
            let sourceId = try #require(source["fileId"])
            let fileId = try await Self.start(client, bucketId: bucketId, name: "joined.bin")
            let first = try await client.ok(
                "b2_copy_part",
                [
                    "sourceFileId": sourceId, "largeFileId": .string(fileId), "partNumber": 1,
                    "range": "bytes=0-6999",
                ])
            #expect(first["contentLength"] == 7000)
            #expect(first["contentSha1"]?.stringValue == B2TestClient.sha1(Array(data[0..<7000])))
            #expect(first["partNumber"] == 1)
            let second = try await client.ok(
                "b2_copy_part",
                [
                    "sourceFileId": sourceId, "largeFileId": .string(fileId), "partNumber": 2,
                    "range": "bytes=7000-11999",
                ])
            #expect(second["contentLength"] == 5000)
            let listed = try await client.ok("b2_list_parts", ["fileId": .string(fileId)])
            #expect(listed["parts"]?.arrayValue.map { $0["partNumber"] } == [1, 2])
            _ = try await client.ok(
                "b2_finish_large_file",
                [
                    "fileId": .string(fileId),
                    "partSha1Array": [
                        .string(B2TestClient.sha1(Array(data[0..<7000]))),
                        .string(B2TestClient.sha1(Array(data[7000...]))),
                    ],
                ])
            #expect(try await client.download(bucket: "copy-part-bucket", name: "joined.bin").bytes == data)

            // A whole version without a range, then the refusals.
            let wholeId = try await Self.start(client, bucketId: bucketId, name: "whole.bin")
            let whole = try await client.ok(
                "b2_copy_part", ["sourceFileId": sourceId, "largeFileId": .string(wholeId), "partNumber": 1])
            #expect(whole["contentLength"] == 12_000)
            let badRange = try await client.call(
                "b2_copy_part",
                ["sourceFileId": sourceId, "largeFileId": .string(wholeId), "partNumber": 2, "range": "0-9"])
            #expect(badRange.code == "bad_request")
            #expect(badRange.message.contains("range"), "\(badRange.message)")
            let badNumber = try await client.call(
                "b2_copy_part", ["sourceFileId": sourceId, "largeFileId": .string(wholeId), "partNumber": 0])
            #expect(badNumber.code == "bad_request")
            let notLarge = try await client.call(
                "b2_copy_part", ["sourceFileId": sourceId, "largeFileId": sourceId, "partNumber": 1])
            #expect(notLarge.status != .ok)
        }
    }

    @Test("An SSE-C source needs its key, and an SSE-C large file takes its own as destinationServerSideEncryption")
    func encryption() async throws {
        let folder = EmulatorHarness.makeDataDirectory()
        let sourceKey = B2TestClient.bytes(32, seed: 31)
        let targetKey = B2TestClient.bytes(32, seed: 32)
        let data = B2TestClient.bytes(6000, seed: 33)
        try await EmulatorHarness.run(dataDirectory: folder) { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("copy-part-sse")
            let source = try await client.upload(
                bucketId: bucketId, name: "locked.bin", data: data, headers: EncryptionTests.sseC(sourceKey)
            ).json
            let sourceId = try #require(source["fileId"])
            let fileId = try await Self.start(
                client, bucketId: bucketId, name: "big.bin", encryption: EncryptionTests.sseCJSON(targetKey))
            let call: JSONValue = ["sourceFileId": sourceId, "largeFileId": .string(fileId), "partNumber": 1]
            let noKeys = try await client.call("b2_copy_part", call)
            #expect(noKeys.code == "bad_request", "\(noKeys.message)")
            let sourceOnly = try await client.call(
                "b2_copy_part",
                [
                    "sourceFileId": sourceId, "largeFileId": .string(fileId), "partNumber": 1,
                    "sourceServerSideEncryption": EncryptionTests.sseCJSON(sourceKey),
                ])
            #expect(sourceOnly.code == "bad_request", "\(sourceOnly.message)")
            let wrongSource = try await client.call(
                "b2_copy_part",
                [
                    "sourceFileId": sourceId, "largeFileId": .string(fileId), "partNumber": 1,
                    "sourceServerSideEncryption": EncryptionTests.sseCJSON(targetKey),
                    "destinationServerSideEncryption": EncryptionTests.sseCJSON(targetKey),
                ])
            #expect(wrongSource.status != .ok)
            for number in 1...2 {
                let part = try await client.ok(
                    "b2_copy_part",
                    [
                        "sourceFileId": sourceId, "largeFileId": .string(fileId), "partNumber": .int(Int64(number)),
                        "sourceServerSideEncryption": EncryptionTests.sseCJSON(sourceKey),
                        "destinationServerSideEncryption": EncryptionTests.sseCJSON(targetKey),
                    ])
                #expect(part["serverSideEncryption"]?["mode"] == "SSE-C")
            }
            let onePart = try await client.call(
                "b2_finish_large_file",
                ["fileId": .string(fileId), "partSha1Array": [.string(B2TestClient.sha1(data))]])
            #expect(onePart.message == "large files must have at least 2 parts", "B2's text: \(onePart.message)")
            _ = try await client.ok(
                "b2_finish_large_file",
                [
                    "fileId": .string(fileId),
                    "partSha1Array": [.string(B2TestClient.sha1(data)), .string(B2TestClient.sha1(data))],
                ])
            let read = try await client.download(
                bucket: "copy-part-sse", name: "big.bin", headers: EncryptionTests.sseC(targetKey))
            #expect(read.bytes == data + data)
            let withSourceKey = try await client.download(
                bucket: "copy-part-sse", name: "big.bin", headers: EncryptionTests.sseC(sourceKey))
            #expect(withSourceKey.status != .ok)
        }
        #expect(!EncryptionTests.stored(Array(data[0..<32]), in: folder + "/blobs"))
    }
}
