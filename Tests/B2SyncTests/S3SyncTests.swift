import B2Kit
import Foundation
import NIOCore
import Testing

@testable import B2Sync

@Suite("Sync through the S3-compatible API (s3://)")
struct S3SyncTests {
    static let names = ["a.b", "a/b", "a/c/d.csv", "a0", "b c/é.json", "big.bin"]

    /// A client signing with a new application key: the S3 API refuses the master key, as B2 does.
    static func applicationKeyClient(_ world: SyncWorld) async throws -> B2Client {
        let key = try await world.client.createKey(
            named: "s3-sync",
            capabilities: ["listBuckets", "listAllBucketNames", "listFiles", "readFiles", "writeFiles", "deleteFiles"])
        return B2Client(
            keyId: key.applicationKeyId, applicationKey: key.applicationKey, apiBaseURL: world.apiBaseURL,
            retryPolicy: RetryPolicy(maximumAttempts: 8, jitter: { 0 }, sleep: { _ in }))
    }

    static func content(_ name: String) -> String {
        // One file larger than the S3 client's 16 MiB part, so it goes up in a multipart upload.
        name == "big.bin" ? String(repeating: "0123456789abcdef", count: 1_200_000) : "content of \(name)"
    }

    /// A local file's modification time in whole milliseconds, as the local listing reads it.
    static func modifiedMillis(_ path: String) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { return -1 }
        return Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
    }

    @Test("A folder syncs up to s3:// with its times kept as metadata; a rerun copies nothing; --delete mirrors")
    func upThroughS3() async throws {
        try await SyncWorld.run { world in
            let client = try await Self.applicationKeyClient(world)
            let bucket = try await world.client.createBucket(named: "s3-sync-up")
            for name in Self.names { try world.write(name, Self.content(name)) }
            let destination = SyncEndpoint.bucket(B2Path(scheme: .s3, bucket: "s3-sync-up", key: "in/"))
            let engine = SyncEngine(client: client)
            let first = try await engine.run(from: .folder(world.folder), to: destination, options: SyncOptions())
            #expect(first.copied == Self.names.count && first.isComplete)

            // What the native API sees: the same bytes, and each file's own time as src_last_modified_millis.
            var listed: [String: B2FileVersion] = [:]
            for try await version in try await world.client.listFiles(in: bucket, prefix: "in/") {
                listed[version.fileName] = version
            }
            #expect(listed.count == Self.names.count)
            for name in Self.names {
                let time = Self.modifiedMillis(world.folder + "/" + name)
                #expect(listed["in/" + name]?.fileInfo?["src_last_modified_millis"] == String(time))
            }
            var received: [UInt8] = []
            try await world.client.download(bucketName: "s3-sync-up", name: "in/big.bin") {
                received += $0.readableBytesView
            }
            #expect(received.elementsEqual(Self.content("big.bin").utf8))

            let again = try await engine.run(from: .folder(world.folder), to: destination, options: SyncOptions())
            #expect(again.copied == 0 && again.skipped == Self.names.count)

            try FileManager.default.removeItem(atPath: world.folder + "/a0")
            try world.write("a/b", "changed, and longer than before")
            var mirror = SyncOptions()
            mirror.delete = true
            let third = try await engine.run(from: .folder(world.folder), to: destination, options: mirror)
            #expect(third.copied == 1 && third.deleted == 1)
            var after: Set<String> = []
            for try await version in try await world.client.listFiles(in: bucket, prefix: "in/") {
                after.insert(version.fileName)
            }
            #expect(!after.contains("in/a0") && after.contains("in/a/b"))
        }
    }

    @Test("s3:// syncs down to a folder byte for byte, with the listed times; a rerun copies nothing")
    func downThroughS3() async throws {
        try await SyncWorld.run { world in
            let client = try await Self.applicationKeyClient(world)
            let bucket = try await world.client.createBucket(named: "s3-sync-down")
            for name in Self.names {
                try await world.client.upload(
                    .bytes(ByteBuffer(string: Self.content(name))), to: bucket, as: "d/" + name)
            }
            try await world.put(bucket, "elsewhere", "not under the prefix")
            let source = SyncEndpoint.bucket(B2Path(scheme: .s3, bucket: "s3-sync-down", key: "d"))
            let engine = SyncEngine(client: client)
            let first = try await engine.run(from: source, to: .folder(world.folder), options: SyncOptions())
            #expect(first.copied == Self.names.count && first.isComplete)
            for name in Self.names { #expect(world.read(name) == Self.content(name)) }
            #expect(world.read("elsewhere") == nil)
            let leftovers = try FileManager.default.subpathsOfDirectory(atPath: world.folder).filter {
                $0.contains(".b2kit-")
            }
            #expect(leftovers.isEmpty)

            let again = try await engine.run(from: source, to: .folder(world.folder), options: SyncOptions())
            #expect(again.copied == 0 && again.skipped == Self.names.count)

            // checksum has no SHA-1 on an S3 listing: it compares sizes and times, and says the same.
            var checksum = SyncOptions()
            checksum.comparison = .checksum
            let third = try await engine.run(from: source, to: .folder(world.folder), options: checksum)
            #expect(third.copied == 0 && third.skipped == Self.names.count)
        }
    }
}
