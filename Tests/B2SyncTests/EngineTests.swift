import AsyncHTTPClient
import B2Emulator
import B2Kit
import Crypto
import Foundation
import GRDB
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import B2Sync

/// An emulator in-process on port 0, a client of it, and a scratch folder.
struct SyncWorld: Sendable {
    let client: B2Client
    let folder: String
    /// The emulator's port (its native and S3 APIs).
    var port = 0

    static func run(_ body: @Sendable (SyncWorld) async throws -> Void) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("b2sync-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let configuration = EmulatorConfiguration(
            dataDirectory: scratch + "/emulator", port: 0, masterKeyId: "synckey", masterKey: "syncsecret",
            recommendedPartSize: 1_000_000, absoluteMinimumPartSize: 100_000
        )
        let server = try await EmulatorServer(configuration: configuration)
        try await server.application().test(.live) { http in
            let client = B2Client(
                keyId: "synckey", applicationKey: "syncsecret", apiBaseURL: "http://127.0.0.1:\(http.port!)",
                retryPolicy: RetryPolicy(maximumAttempts: 8, jitter: { 0 }, sleep: { _ in })
            )
            try await body(SyncWorld(client: client, folder: scratch + "/local", port: http.port!))
        }
    }

    func put(_ bucket: B2Bucket, _ name: String, _ text: String) async throws {
        try await client.upload(.bytes(ByteBuffer(string: text)), to: bucket, as: name)
    }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: folder + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }

    func write(_ relative: String, _ text: String) throws {
        let path = folder + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func sync(
        _ source: SyncEndpoint,
        _ destination: SyncEndpoint,
        _ options: SyncOptions = SyncOptions()
    ) async throws -> SyncSummary {
        try await SyncEngine(client: client).run(from: source, to: destination, options: options)
    }
}

@Suite("Sync engine against the emulator")
struct EngineTests {
    static let names = ["a.b", "a/b", "a/c/d.csv", "a0", "b c/é.json", "z.csv"]

    @Test("B2 to a folder: every file arrives byte for byte with its time; a rerun copies nothing; a change is seen")
    func downAndRerun() async throws {
        try await SyncWorld.run { world in
            let bucket = try await world.client.createBucket(named: "sync-down")
            for name in Self.names { try await world.put(bucket, "data/" + name, "content of \(name)") }
            try await world.put(bucket, "elsewhere/x", "not under the prefix")
            let source = SyncEndpoint.bucket(B2Path(bucket: "sync-down", key: "data"))
            let first = try await world.sync(source, .folder(world.folder))
            #expect(first.copied == Self.names.count)
            #expect(first.isComplete)
            for name in Self.names { #expect(world.read(name) == "content of \(name)") }
            #expect(world.read("x") == nil)
            var remote: [String: Int64] = [:]
            for try await version in try await world.client.listFiles(in: bucket, prefix: "data/") {
                remote[version.fileName] =
                    Int64(version.fileInfo?["src_last_modified_millis"] ?? "")
                    ?? version.uploadTimestamp
            }
            for name in Self.names {
                let attributes = try FileManager.default.attributesOfItem(atPath: world.folder + "/" + name)
                let local = Int64(((attributes[.modificationDate] as! Date).timeIntervalSince1970 * 1000).rounded())
                #expect(local == remote["data/" + name])
            }
            let again = try await world.sync(source, .folder(world.folder))
            #expect(again.copied == 0)
            #expect(again.skipped == Self.names.count)
            try await world.put(bucket, "data/a0", "changed!")
            let third = try await world.sync(source, .folder(world.folder))
            #expect(third.copied == 1)
            #expect(world.read("a0") == "changed!")
        }
    }

    @Test("A stop requested before a run lists anything ends it as stopped, not as an error")
    func stoppedBeforeListing() async throws {
        try await SyncWorld.run { world in
            let bucket = try await world.client.createBucket(named: "sync-stopped")
            try await world.put(bucket, "a.txt", "a")
            let stop = StopRequest()
            stop.request()
            let summary = try await SyncEngine(client: world.client).run(
                from: .bucket(B2Path(bucket: "sync-stopped")), to: .folder(world.folder), stop: stop)
            #expect(summary.stopped)
            #expect(summary.copied == 0)
            #expect(world.read("a.txt") == nil)
        }
    }

    @Test("Names that would escape the folder are refused and reported, and nothing lands outside it")
    func hostileNames() async throws {
        try await SyncWorld.run { world in
            let bucket = try await world.client.createBucket(named: "sync-hostile")
            let hostile = [
                "p/../../escape", "p/a//b", "p/./dot", "p/back\\slash", "p/" + String(repeating: "n", count: 300),
            ]
            for name in hostile { try await world.put(bucket, name, "bad") }
            try await world.put(bucket, "p/fine", "good")
            let summary = try await world.sync(
                .bucket(B2Path(bucket: "sync-hostile", key: "p/")), .folder(world.folder + "/inner")
            )
            #expect(summary.copied == 1)
            #expect(Set(summary.refused.map(\.name)) == Set(hostile.map { String($0.dropFirst(2)) }))
            #expect(!summary.isComplete)
            #expect(world.read("inner/fine") == "good")
            #expect(!FileManager.default.fileExists(atPath: world.folder + "/escape"))
            #expect(
                !FileManager.default.fileExists(
                    atPath: (world.folder as NSString).deletingLastPathComponent + "/escape"))
            let written = try FileManager.default.subpathsOfDirectory(atPath: world.folder)
            #expect(written.sorted() == ["inner", "inner/fine"])
        }
    }

    @Test("--dry-run changes nothing; --delete makes the folder a mirror; leftovers of interrupted downloads go")
    func dryRunAndDelete() async throws {
        try await SyncWorld.run { world in
            let bucket = try await world.client.createBucket(named: "sync-mirror")
            try await world.put(bucket, "keep.txt", "keep")
            try world.write("extra/old.txt", "old")
            try world.write("extra/.old.txt.b2kit-" + UUID().uuidString, "partial")
            let source = SyncEndpoint.bucket(B2Path(bucket: "sync-mirror"))
            let events = Mutex<[String]>([])
            let planned = try await SyncEngine(client: world.client) { event in
                switch event {
                case .copied(let object, _, let dry): events.withLock { $0.append("copy \(object.name) \(dry)") }
                case .deleted(let object, let dry): events.withLock { $0.append("delete \(object.name) \(dry)") }
                default: break
                }
            }.run(from: source, to: .folder(world.folder), options: SyncOptions(delete: true, dryRun: true))
            #expect(planned.copied == 1 && planned.deleted == 1 && planned.dryRun)
            #expect(events.withLock { $0 } == ["delete extra/old.txt true", "copy keep.txt true"])
            #expect(world.read("keep.txt") == nil)
            #expect(world.read("extra/old.txt") == "old")
            let kept = try await world.sync(source, .folder(world.folder))
            #expect(kept.deleted == 0 && kept.temporariesRemoved == 1)
            #expect(world.read("extra/old.txt") == "old")
            let mirrored = try await world.sync(source, .folder(world.folder), SyncOptions(delete: true))
            #expect(mirrored.deleted == 1)
            #expect(world.read("extra/old.txt") == nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: world.folder + "/extra").isEmpty)
        }
    }

    @Test("Include and exclude globs choose the files; an include that matches nothing is reported")
    func filters() async throws {
        try await SyncWorld.run { world in
            let bucket = try await world.client.createBucket(named: "sync-filter")
            for name in Self.names { try await world.put(bucket, name, name) }
            let filter = SyncFilter(rules: [
                .exclude(try Glob("/a/c/**")), .include(try Glob("*.csv")), .include(try Glob("*.parquet")),
            ])
            let summary = try await world.sync(
                .bucket(B2Path(bucket: "sync-filter")), .folder(world.folder), SyncOptions(filter: filter)
            )
            #expect(summary.copied == 1)
            #expect(world.read("z.csv") == "z.csv")
            #expect(world.read("a/c/d.csv") == nil)
            #expect(summary.unmatchedIncludes == ["*.parquet"])
        }
    }

    @Test("checksum finds a same-size, same-time change that size-mtime cannot")
    func checksum() async throws {
        try await SyncWorld.run { world in
            let bucket = try await world.client.createBucket(named: "sync-checksum")
            try await world.put(bucket, "data.csv", "a,b\n1,2\n")
            let source = SyncEndpoint.bucket(B2Path(bucket: "sync-checksum"))
            _ = try await world.sync(source, .folder(world.folder))
            let path = world.folder + "/data.csv"
            let time = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
            try Data("a,b\n9,9\n".utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: time], ofItemAtPath: path)
            let bySize = try await world.sync(source, .folder(world.folder))
            #expect(bySize.copied == 0)
            #expect(world.read("data.csv") == "a,b\n9,9\n")
            let byHash = try await world.sync(source, .folder(world.folder), SyncOptions(comparison: .checksum))
            #expect(byHash.copied == 1)
            #expect(world.read("data.csv") == "a,b\n1,2\n")
        }
    }

    @Test("A folder syncs up to B2 with its times, and one bucket syncs to another server-side")
    func upAndAcross() async throws {
        try await SyncWorld.run { world in
            let up = try await world.client.createBucket(named: "sync-up")
            _ = try await world.client.createBucket(named: "sync-across")
            for name in Self.names { try world.write(name, "local \(name)") }
            let first = try await world.sync(.folder(world.folder), .bucket(B2Path(bucket: "sync-up", key: "in/")))
            #expect(first.copied == Self.names.count)
            let again = try await world.sync(.folder(world.folder), .bucket(B2Path(bucket: "sync-up", key: "in/")))
            #expect(again.copied == 0 && again.skipped == Self.names.count)
            let across = try await world.sync(
                .bucket(B2Path(bucket: "sync-up", key: "in")), .bucket(B2Path(bucket: "sync-across", key: "copy"))
            )
            #expect(across.copied == Self.names.count)
            var received: [UInt8] = []
            try await world.client.download(bucketName: "sync-across", name: "copy/b c/é.json") {
                received += $0.readableBytesView
            }
            #expect(String(decoding: received, as: UTF8.self) == "local b c/é.json")
            _ = up
        }
    }

    @Test("Bad sides are usage errors that say what to write")
    func badSides() async throws {
        try await SyncWorld.run { world in
            await #expect {
                _ = try await world.sync(.folder("/tmp/x"), .folder("/tmp/y"))
            } throws: { ($0 as? B2Error)?.code == .usage }
            await #expect {
                _ = try await world.sync(
                    .bucket(B2Path(scheme: .s3, bucket: "some-bucket")), .bucket(B2Path(bucket: "other")))
            } throws: {
                ($0 as? B2Error)?.code == .usage && ($0 as? B2Error)?.message.contains("both as s3://") == true
            }
            await #expect {
                _ = try await world.sync(.bucket(B2Path(bucket: "no-such-bucket")), .folder(world.folder))
            } throws: { ($0 as? B2Error)?.code == .notFound }
            #expect(throws: B2Error.self) { try SyncEndpoint.parse("-") }
        }
    }
}

@Suite("Sync state and catalog")
struct StateTests {
    @Test("The catalog holds each synced object with its details; deletions remove rows; runs are counted")
    func catalog() async throws {
        try await SyncWorld.run { world in
            let bucket = try await world.client.createBucket(named: "sync-catalog")
            try await world.client.upload(
                .bytes(ByteBuffer(string: "id,v\n1,2\n")), to: bucket, as: "in/t.csv", contentType: "text/csv",
                info: ["owner": "etl"]
            )
            try await world.put(bucket, "in/gone.txt", "soon gone")
            let state = try SyncState(path: world.folder + ".state.db")
            let engine = SyncEngine(client: world.client, state: state)
            let source = SyncEndpoint.bucket(B2Path(bucket: "sync-catalog", key: "in/"))
            _ = try await engine.run(from: source, to: .folder(world.folder))
            let rows = try await state.catalog()
            #expect(rows.map(\.name) == ["gone.txt", "t.csv"])
            let table = try #require(rows.last)
            #expect(table.size == 9 && table.contentType == "text/csv" && table.localPath == world.folder + "/t.csv")
            #expect(table.sha1 == LocalDigestReference.sha1("id,v\n1,2\n"))
            #expect(table.fileInfo?.contains("\"owner\":\"etl\"") == true)
            #expect(try await state.catalog(prefix: "t").map(\.name) == ["t.csv"])
            let listed = try await world.client.fileVersion(in: bucket, named: "in/gone.txt")
            try await world.client.deleteFileVersion(try #require(listed), in: bucket)
            _ = try await engine.run(from: source, to: .folder(world.folder), options: SyncOptions(delete: true))
            #expect(try await state.catalog().map(\.name) == ["t.csv"])
            let runs = try await state.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM run") }
            #expect(runs == 2)
        }
    }

    @Test("checksum hashes a local file once: the SHA-1 is cached by path, size, time and inode")
    func hashCache() async throws {
        try await SyncWorld.run { world in
            _ = try await world.client.createBucket(named: "sync-hashes")
            try world.write("f.bin", "some bytes")
            let state = try SyncState(path: world.folder + ".state.db")
            let engine = SyncEngine(client: world.client, state: state)
            let destination = SyncEndpoint.bucket(B2Path(bucket: "sync-hashes"))
            let options = SyncOptions(comparison: .checksum)
            _ = try await engine.run(from: .folder(world.folder), to: destination, options: options)
            let second = try await engine.run(from: .folder(world.folder), to: destination, options: options)
            #expect(second.skipped == 1)
            let cached = try await state.writer.read { db in
                try String.fetchOne(
                    db, sql: "SELECT sha1 FROM localHash WHERE path = ?", arguments: [world.folder + "/f.bin"])
            }
            #expect(cached == LocalDigestReference.sha1("some bytes"))
            // A poisoned cache entry is believed while path, size, time and inode match: proof it is read.
            try await state.writer.write { db in
                try db.execute(sql: "UPDATE localHash SET sha1 = 'poisoned'")
            }
            let third = try await engine.run(from: .folder(world.folder), to: destination, options: options)
            #expect(third.copied == 1)
        }
    }

    @Test("After an unfinished run, files already in place get their catalog rows and events, once, without a copy")
    func reconcileAfterInterruptedRun() async throws {
        try await SyncWorld.run { world in
            let bucket = try await world.client.createBucket(named: "sync-reconcile")
            for name in ["one.csv", "two/three.json"] { try await world.put(bucket, name, "bytes of \(name)") }
            let source = SyncEndpoint.bucket(B2Path(bucket: "sync-reconcile"))
            // The files are renamed into place, then the process dies before their rows are written: a sync
            // without a state database puts them there, and a run begun but never finished marks the crash.
            let placed = try await world.sync(source, .folder(world.folder))
            #expect(placed.copied == 2)
            let state = try SyncState(path: world.folder + ".state.db")
            _ = try await state.beginRun()
            let events = Mutex<[String]>([])
            let engine = SyncEngine(client: world.client, state: state) { event in
                if case .copied(let object, _, false) = event { events.withLock { $0.append(object.name) } }
            }
            let rerun = try await engine.run(from: source, to: .folder(world.folder))
            #expect(rerun.copied == 0 && rerun.skipped == 2)
            let rows = try await state.catalog()
            #expect(rows.map(\.name) == ["one.csv", "two/three.json"])
            #expect(rows.first?.localPath == world.folder + "/one.csv")
            #expect(rows.first?.sha1 == LocalDigestReference.sha1("bytes of one.csv"))
            #expect(events.withLock { $0 } == ["one.csv", "two/three.json"])
            // That run finished: the next one reports nothing again.
            let quiet = try await engine.run(from: source, to: .folder(world.folder))
            #expect(quiet.skipped == 2)
            #expect(events.withLock { $0 }.count == 2)
        }
    }
}

/// SHA-1 from swift-crypto, to check the engine's.
enum LocalDigestReference {
    static func sha1(_ text: String) -> String {
        Insecure.SHA1.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
