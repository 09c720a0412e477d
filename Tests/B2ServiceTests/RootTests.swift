import B2Kit
import Foundation
import NIOCore
import Testing

@testable import B2Service

@Suite("Service: local paths confined to the operator's roots")
struct RootTests {
    static func syncJSON(_ connection: String, source: String, destination: String) -> String {
        #"{"connection_id":"\#(connection)","source_path":"\#(source)","destination":"\#(destination)","sync_mode":"one_time"}"#
    }

    /// Every file below `folder`, relative, sorted.
    static func files(_ folder: String) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test(
        "Escapes are refused with a 422 naming the roots, and store nothing",
        arguments: [
            ("absolute path outside", "/etc", "down"),
            ("dot-dot", "../outside", "down"),
            ("dot-dot deeper", "a/../../outside", "down"),
            ("a link inside a root pointing out", "link/x", "down"),
            ("a link into a bucket", "link", "up"),
            ("the root by a named prefix, then dot-dot", "roots:../outside", "down"),
            ("an unknown root name with no such folder", "/nowhere/x", "down"),
            ("absolute outside into a bucket", "/etc", "up"),
            ("the service's state folder", "DB/state", "down"),
            ("the master key file's folder", "DB", "up"),
            ("a link in a root to the master key", "keylink", "up"),
            ("a link in a root to the database's folder", "dblink/x", "down"),
        ])
    func escapesRefused(_ label: String, _ path: String, _ direction: String) async throws {
        try await ServiceWorld.run { world in
            let outside = world.folder + "/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try Data("secret".utf8).write(to: URL(fileURLWithPath: outside + "/secret.txt"))
            try FileManager.default.createSymbolicLink(atPath: world.root + "/link", withDestinationPath: outside)
            let database = world.folder + "/db"
            try Data("key".utf8).write(to: URL(fileURLWithPath: database + "/master.key"))
            try FileManager.default.createSymbolicLink(
                atPath: world.root + "/keylink", withDestinationPath: database + "/master.key")
            try FileManager.default.createSymbolicLink(atPath: world.root + "/dblink", withDestinationPath: database)
            let path = path.hasPrefix("DB") ? database + path.dropFirst(2) : path
            let (connection, _) = try await world.connection()
            let body =
                direction == "down"
                ? Self.syncJSON(connection, source: "svc-bucket/x", destination: path)
                : Self.syncJSON(connection, source: path, destination: "b2://svc-bucket/x")
            let answer = try await world.call(.post, "/v1/syncs", json: body)
            #expect(answer.status == 422, "\(label): \(answer.body)")
            #expect(answer.json["field"] as? String == (direction == "down" ? "destination" : "source_path"))
            #expect((answer.json["detail"] as? String)?.contains("the roots are roots (") == true, "\(answer.body)")
            #expect(try await world.store.syncs().isEmpty)
            #expect(Self.files(outside) == ["secret.txt"])
        }
    }

    @Test("A relative path and ROOT:path land inside the root; the sync runs there")
    func relativeInsideRoot() async throws {
        try await ServiceWorld.run { world in
            let bucket = try await world.b2.createBucket(named: "svc-rooted")
            try await world.b2.upload(.bytes(ByteBuffer(string: "inside")), to: bucket, as: "p/a.txt")
            let (connection, _) = try await world.connection()
            for destination in ["raw/2024", "roots:named/here"] {
                let created = try await world.call(
                    .post, "/v1/syncs",
                    json: Self.syncJSON(connection, source: "svc-rooted/p", destination: destination))
                #expect(created.status == 201, "\(created.body)")
                let sync = try #require(created.json["id"] as? String)
                let run = try await world.finishedRun(sync: sync, run: try await world.newestRun(sync: sync))
                #expect(run["status"] as? String == "succeeded", "\(run)")
            }
            #expect(
                Self.files(world.root) == [
                    "named", "named/here", "named/here/a.txt", "raw", "raw/2024", "raw/2024/a.txt",
                ])
        }
    }

    @Test("A link swapped in after creation is refused when the run starts: no byte read or written outside")
    func swappedAfterCreation() async throws {
        try await ServiceWorld.run { world in
            let bucket = try await world.b2.createBucket(named: "svc-swapped")
            try await world.b2.upload(.bytes(ByteBuffer(string: "first")), to: bucket, as: "p/a.txt")
            let outside = world.folder + "/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try Data("secret".utf8).write(to: URL(fileURLWithPath: outside + "/secret.txt"))
            let (connection, _) = try await world.connection()
            let down = try #require(
                try await world.call(
                    .post, "/v1/syncs", json: Self.syncJSON(connection, source: "svc-swapped/p", destination: "down")
                ).json["id"] as? String)
            let first = try await world.finishedRun(sync: down, run: try await world.newestRun(sync: down))
            #expect(first["status"] as? String == "succeeded")
            try FileManager.default.createDirectory(atPath: world.root + "/up", withIntermediateDirectories: true)
            try Data("mine".utf8).write(to: URL(fileURLWithPath: world.root + "/up/mine.txt"))
            let created = try await world.call(
                .post, "/v1/syncs", json: Self.syncJSON(connection, source: "up", destination: "b2://svc-swapped/up"))
            let up = try #require(created.json["id"] as? String, "\(created.body)")
            let firstUp = try await world.finishedRun(sync: up, run: try await world.newestRun(sync: up))
            #expect(firstUp["status"] as? String == "succeeded")

            // Both local folders become links out of the root.
            for name in ["down", "up"] {
                try FileManager.default.removeItem(atPath: world.root + "/" + name)
                try FileManager.default.createSymbolicLink(
                    atPath: world.root + "/" + name, withDestinationPath: outside)
            }
            try await world.b2.upload(.bytes(ByteBuffer(string: "second")), to: bucket, as: "p/b.txt")
            for sync in [down, up] {
                let triggered = try await world.call(.post, "/v1/syncs/\(sync)/trigger")
                let run = try await world.finishedRun(sync: sync, run: try #require(triggered.json["id"] as? String))
                #expect(run["status"] as? String == "failed", "\(run)")
                #expect((run["message"] as? String)?.contains("resolves outside the service's roots") == true, "\(run)")
            }
            #expect(Self.files(outside) == ["secret.txt"])
            var names: [String] = []
            for try await version in try await world.b2.listFiles(in: bucket, prefix: "up/") {
                names.append(version.fileName)
            }
            #expect(names == ["up/mine.txt"])
        }
    }

    @Test("Roots: NAME=DIR, names from the folder, duplicates and missing folders refused; state inside a root refused")
    func rootSpecifications() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("b2roots-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for sub in ["a/data", "b/data", "service"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        let real = try #require(
            realpath(folder, nil).map { pointer in
                defer { free(pointer) }
                return String(cString: pointer)
            })
        let roots = try ServiceRoots(["lake=\(folder)/a/data", folder + "/b"], defaultRoot: folder + "/unused")
        #expect(roots.roots.map(\.name) == ["lake", "b"])
        #expect(try roots.resolve("lake:x/y", field: "destination") == real + "/a/data/x/y")
        #expect(try roots.resolve("b:", field: "destination") == real + "/b")
        #expect(throws: Problem.self) { try roots.resolve("x/y", field: "destination") }
        #expect(throws: B2Error.self) { try ServiceRoots([folder + "/a/data", folder + "/b/data"], defaultRoot: "") }
        #expect(throws: B2Error.self) { try ServiceRoots([folder + "/missing"], defaultRoot: "") }
        let defaulted = try ServiceRoots([], defaultRoot: folder + "/service/syncs")
        #expect(defaulted.roots.map(\.path) == [real + "/service/syncs"])
        #expect(throws: Never.self) {
            try defaulted.refuseContaining([folder + "/service/service.db", folder + "/service/state"])
        }
        let around = try ServiceRoots([folder + "/service"], defaultRoot: "")
        for own in [folder + "/service/service.db", folder + "/service/master.key", folder + "/service/state"] {
            #expect(throws: B2Error.self) { try around.refuseContaining([own]) }
        }
        #expect(throws: B2Error.self) { try defaulted.refuseContaining([folder + "/service"]) }
    }
}
