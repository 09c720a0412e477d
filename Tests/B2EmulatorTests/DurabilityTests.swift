import Foundation
import Testing

@testable import B2Emulator

@Suite("Durability")
struct DurabilityTests {
    @Test("Everything committed survives a restart: objects, large files, keys, the master key")
    func restart() async throws {
        let directory = EmulatorHarness.makeDataDirectory()
        let small = B2TestClient.bytes(4096, seed: 3)
        let (keyId, secret) = try await EmulatorHarness.run(dataDirectory: directory) { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("durable-bucket")
            #expect(try await client.upload(bucketId: bucketId, name: "keep/me.bin", data: small).status == .ok)
            let key = try await client.ok(
                "b2_create_key", ["accountId": "a", "capabilities": ["listBuckets", "readFiles"], "keyName": "kept"]
            )
            return (key["applicationKeyId"]!.stringValue!, key["applicationKey"]!.stringValue!)
        }
        try await EmulatorHarness.run(dataDirectory: directory) { (base: B2TestClient) async throws -> Void in
            var client = base
            #expect(try await client.authorize().status == .ok)
            #expect(try await client.download(bucket: "durable-bucket", name: "keep/me.bin").bytes == small)
            var keyed = base
            #expect(try await keyed.authorize(keyId: keyId, key: secret).status == .ok)
            #expect(try await keyed.download(bucket: "durable-bucket", name: "keep/me.bin").bytes == small)
        }
    }

    @Test("A generated master key is stored and reused")
    func generatedMasterKey() async throws {
        let directory = EmulatorHarness.makeDataDirectory()
        let first = try await EmulatorServer(configuration: .init(dataDirectory: directory))
        #expect(first.masterKeyIsNew)
        let second = try await EmulatorServer(configuration: .init(dataDirectory: directory))
        #expect(!second.masterKeyIsNew)
        #expect(second.masterKey == first.masterKey)
        #expect(second.masterKeyId == first.masterKeyId)
    }

    @Test("An upload cut off mid-body leaves no object, and a restart sweeps what a crash left behind")
    func interruptedUpload() async throws {
        let directory = EmulatorHarness.makeDataDirectory()
        try await EmulatorHarness.run(dataDirectory: directory) { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("crash-bucket")
            let target = try await client.ok("b2_get_upload_url", ["bucketId": .string(bucketId)])
            let path = B2TestClient.path(of: target["uploadUrl"]!.stringValue!)
            let data = B2TestClient.bytes(100_000)
            let head =
                "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(client.port)\r\n"
                + "Authorization: \(target["authorizationToken"]!.stringValue!)\r\nX-Bz-File-Name: cut.bin\r\n"
                + "Content-Type: b2/x-auto\r\nX-Bz-Content-Sha1: \(B2TestClient.sha1(data))\r\n"
                + "Content-Length: \(data.count)\r\n\r\n"
            _ = RawHTTP.exchange(port: client.port, request: Array(head.utf8) + data.prefix(50_000))
            let versions = try await client.ok("b2_list_file_versions", ["bucketId": .string(bucketId)])
            #expect(versions["files"]!.arrayValue.isEmpty)
            #expect(try await client.download(bucket: "crash-bucket", name: "cut.bin").status == .notFound)
        }
        // What a crash between writing and committing would leave: a temporary file, an unreferenced blob and parts.
        _ = FileManager.default.createFile(atPath: directory + "/tmp/partial", contents: Data([1, 2, 3]))
        _ = FileManager.default.createFile(atPath: directory + "/blobs/4_zorphan", contents: Data([4]))
        try FileManager.default.createDirectory(atPath: directory + "/parts/4_zgone", withIntermediateDirectories: true)
        try await EmulatorHarness.run(dataDirectory: directory) { base in
            var client = base
            _ = try await client.authorize()
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/tmp").isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/blobs").isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/parts").isEmpty)
            let buckets = try await client.ok("b2_list_buckets", ["accountId": "a"])
            #expect(buckets["buckets"]!.arrayValue.count == 1)
        }
    }
}
