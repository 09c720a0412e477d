import B2Kit
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import B2Sync

@Suite("Local confinement: every file resolved, links followed, before it is opened")
struct ConfinementTests {
    /// A scratch folder with `inside/` (the confinement) and `outside/`.
    static func scratch() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("b2confine-\(UUID())").path
        for sub in ["inside/real", "outside"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        return folder
    }

    @Test("Real paths of missing files follow the links above them; a sibling with a longer name is not inside")
    func realPaths() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/inside/out", withDestinationPath: "../outside")
        try FileManager.default.createSymbolicLink(atPath: folder + "/inside/in", withDestinationPath: "real")
        let real = try #require(LocalConfinement.realPath(folder))
        let confinement = try LocalConfinement(folders: [folder + "/inside"])
        #expect(confinement.folders == [real + "/inside"])
        #expect(LocalConfinement.realPath(folder + "/inside/out/new/file") == real + "/outside/new/file")
        #expect(LocalConfinement.realPath(folder + "/inside/in/new") == real + "/inside/real/new")
        #expect(LocalConfinement.realPath("relative/path") == nil)
        #expect(confinement.contains(folder + "/inside/real/a/b"))
        #expect(confinement.contains(folder + "/inside/in/a"))
        #expect(!confinement.contains(folder + "/inside/out/a"))
        #expect(!confinement.contains(folder + "/inside/../outside/a"))
        #expect(!confinement.contains(folder + "/inside-not"))
        #expect(throws: B2Error.self) { try confinement.check(folder + "/inside/out/x") }
        #expect(throws: B2Error.self) { try LocalConfinement(folders: [folder + "/missing"]) }
    }

    @Test("A folder swapped for a link while a sync runs: its later files are refused, nothing is read outside")
    func swappedDuringUpload() async throws {
        try await SyncWorld.run { world in
            let bucket = try await world.client.createBucket(named: "confine-up")
            try world.write("up/a/1", "one")
            try world.write("up/z/1", "z one")
            try world.write("up/z/2", "z two")
            let outside = world.folder + "/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try Data("secret".utf8).write(to: URL(fileURLWithPath: outside + "/2"))
            let root = world.folder + "/up"
            let swapped = Mutex(false)
            // After z/1 is copied, z/ becomes a link to a folder outside; z/2 was listed already.
            let engine = SyncEngine(client: world.client) { event in
                guard case .copied(let object, _, _) = event, object.name == "z/1" else { return }
                swapped.withLock { done in
                    guard !done else { return }
                    done = true
                    try? FileManager.default.removeItem(atPath: root + "/z")
                    try? FileManager.default.createSymbolicLink(atPath: root + "/z", withDestinationPath: outside)
                }
            }
            let summary = try await engine.run(
                from: .folder(root), to: .bucket(B2Path(bucket: "confine-up", key: "in")),
                options: SyncOptions(transfers: 1, confinement: try LocalConfinement(folders: [root])))
            #expect(swapped.withLock { $0 })
            #expect(summary.copied == 2)
            #expect(summary.failures.map(\.name) == ["z/2"])
            #expect(summary.failures.first?.reason.contains("outside the folders this sync may use") == true)
            var names: [String] = []
            for try await version in try await world.client.listFiles(in: bucket, prefix: "") {
                names.append(version.fileName)
            }
            #expect(names == ["in/a/1", "in/z/1"])
        }
    }

    @Test("A destination folder swapped for a link while a sync runs: nothing is written outside")
    func swappedDuringDownload() async throws {
        try await SyncWorld.run { world in
            let bucket = try await world.client.createBucket(named: "confine-down")
            for name in ["a/1", "z/1", "z/2"] { try await world.put(bucket, name, "content of \(name)") }
            let root = world.folder + "/down"
            let outside = world.folder + "/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            let swapped = Mutex(false)
            let engine = SyncEngine(client: world.client) { event in
                guard case .copied(let object, _, _) = event, object.name == "z/1" else { return }
                swapped.withLock { done in
                    guard !done else { return }
                    done = true
                    try? FileManager.default.removeItem(atPath: root + "/z")
                    try? FileManager.default.createSymbolicLink(atPath: root + "/z", withDestinationPath: outside)
                }
            }
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let summary = try await engine.run(
                from: .bucket(B2Path(bucket: "confine-down", key: "")), to: .folder(root),
                options: SyncOptions(transfers: 1, confinement: try LocalConfinement(folders: [root])))
            #expect(swapped.withLock { $0 })
            #expect(summary.copied == 2)
            #expect(summary.failures.map(\.name) == ["z/2"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
            #expect(world.read("down/a/1") == "content of a/1")
        }
    }
}
