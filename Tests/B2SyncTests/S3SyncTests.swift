import B2Kit
import B2SigV4
import Foundation
import NIOCore
import Testing

@testable import B2Sync

/// `s3://` sides: the emulator's S3-compatible API (SigV4 verified), signed with an application key as B2 requires.
@Suite("Sync through the S3 API of the emulator")
struct S3SyncTests {
    static let names = ["a.b", "a/b", "a/c/d.csv", "a0", "b c/é.json", "z.csv"]

    /// An S3 client of the emulator signed with a new application key (B2 refuses the master key on S3).
    static func s3(_ world: SyncWorld) async throws -> S3Client {
        let key = try await world.client.createKey(
            named: "sync-s3",
            capabilities: ["listBuckets", "listAllBucketNames", "listFiles", "readFiles", "writeFiles", "deleteFiles"])
        return try S3Client(
            endpoint: "http://127.0.0.1:\(world.port)", region: "us-west-004",
            credentials: SigV4Credentials(accessKeyId: key.applicationKeyId, secretAccessKey: key.applicationKey),
            retryPolicy: RetryPolicy(maximumAttempts: 4, jitter: { 0 }, sleep: { _ in }))
    }

    /// A file's modification time in milliseconds, truncated as the local walk reads it.
    static func millis(_ path: String) throws -> Int64 {
        var info = stat()
        try #require(stat(path, &info) == 0)
        return Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test("local -> s3:// -> local with times, large files in parts and ranges; reruns, changes, --delete; s3 -> s3")
    func roundTrip() async throws {
        try await SyncWorld.run { world in
            let s3 = try await Self.s3(world)
            _ = try await world.client.createBucket(named: "sync-s3")
            _ = try await world.client.createBucket(named: "sync-s3-copy")
            for name in Self.names { try world.write(name, "local \(name)") }
            // 12 MiB with 5 MiB pieces: three multipart parts up, three ranged GETs down.
            let large = Data((0..<(12 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) })
            try large.write(to: URL(fileURLWithPath: world.folder + "/big.bin"))
            var options = SyncOptions()
            options.s3PieceSize = 5 << 20
            let engine = SyncEngine(client: nil, s3: s3)
            let up = SyncEndpoint.bucket(B2Path(scheme: .s3, bucket: "sync-s3", key: "in/"))
            let all = Self.names.count + 1

            let first = try await engine.run(from: .folder(world.folder), to: up, options: options)
            #expect(first.copied == all && first.isComplete)
            let again = try await engine.run(from: .folder(world.folder), to: up, options: options)
            #expect(again.copied == 0 && again.skipped == all)
            // checksum has no SHA-1 on the S3 side: it compares as size-mtime does, so still nothing to copy.
            options.comparison = .checksum
            let checked = try await engine.run(from: .folder(world.folder), to: up, options: options)
            #expect(checked.copied == 0 && checked.skipped == all)
            options.comparison = .sizeAndTime

            // The native API sees the same bucket: the large file whole.
            let bucket = try await world.client.bucket(named: "sync-s3")
            let nativeLarge = try #require(try await world.client.fileVersion(in: bucket, named: "in/big.bin"))
            #expect(nativeLarge.contentLength == Int64(large.count))

            // Down into another folder: bytes equal, each file's time is the object's LastModified.
            let down = world.folder + "-down"
            let source = SyncEndpoint.bucket(B2Path(scheme: .s3, bucket: "sync-s3", key: "in"))
            let fetched = try await engine.run(from: source, to: .folder(down), options: options)
            #expect(fetched.copied == all && fetched.isComplete)
            for name in Self.names { #expect(Self.bytes(down + "/" + name) == Data("local \(name)".utf8)) }
            #expect(Self.bytes(down + "/big.bin") == large)
            var listed: [String: Int64] = [:]
            for try await object in s3.listObjects(bucket: "sync-s3", prefix: "in/") {
                listed[object.key] = object.lastModified.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
            }
            #expect(listed.count == all)
            for name in Self.names + ["big.bin"] { #expect(try Self.millis(down + "/" + name) == listed["in/" + name]) }
            let leftovers = try FileManager.default.subpathsOfDirectory(atPath: down).filter { $0.contains(".b2kit-") }
            #expect(leftovers.isEmpty)
            let downAgain = try await engine.run(from: source, to: .folder(down), options: options)
            #expect(downAgain.copied == 0 && downAgain.skipped == all)

            // A change (another size) goes up; a deleted file goes with --delete.
            try world.write("a0", "changed, and longer")
            try FileManager.default.removeItem(atPath: world.folder + "/z.csv")
            options.delete = true
            let changed = try await engine.run(from: .folder(world.folder), to: up, options: options)
            #expect(changed.copied == 1 && changed.deleted == 1)
            var keys: [String] = []
            for try await object in s3.listObjects(bucket: "sync-s3", prefix: "in/") { keys.append(object.key) }
            #expect(!keys.contains("in/z.csv") && keys.count == all - 1)
            var body = ByteBuffer()
            try await s3.getObject(bucket: "sync-s3", key: "in/a0") { chunk in
                var chunk = chunk
                body.writeBuffer(&chunk)
            }
            #expect(String(buffer: body) == "changed, and longer")

            // Bucket to bucket through S3: CopyObject, nothing downloaded.
            let across = try await engine.run(
                from: source, to: .bucket(B2Path(scheme: .s3, bucket: "sync-s3-copy", key: "c/")), options: options)
            #expect(across.copied == all - 1 && across.isComplete)
            var copied = ByteBuffer()
            try await s3.getObject(bucket: "sync-s3-copy", key: "c/b c/é.json") { chunk in
                var chunk = chunk
                copied.writeBuffer(&chunk)
            }
            #expect(String(buffer: copied) == "local b c/é.json")
            try? FileManager.default.removeItem(atPath: down)
        }
    }

    @Test("A missing s3:// bucket is an error that names it, before anything is written")
    func missingBucket() async throws {
        try await SyncWorld.run { world in
            let s3 = try await Self.s3(world)
            let engine = SyncEngine(client: nil, s3: s3)
            let error = await #expect(throws: B2Error.self) {
                _ = try await engine.run(
                    from: .bucket(B2Path(scheme: .s3, bucket: "no-such-s3-bucket", key: "")),
                    to: .folder(world.folder))
            }
            #expect(error?.description.contains("no-such-s3-bucket") == true)
        }
    }
}
