import B2Kit
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

@testable import B2Service

@Suite("Service: scheduler and restarts")
struct SchedulerTests {
    @Test("A run left running by a stopped process is queued again at start and finishes, once")
    func interruptedRunResumes() async throws {
        try await ServiceWorld.run { world in
            let bucket = try await world.b2.createBucket(named: "svc-restart")
            for name in ["r/a", "r/b", "r/c"] {
                try await world.b2.upload(.bytes(ByteBuffer(string: name)), to: bucket, as: name)
            }
            let (connection, _) = try await world.connection()
            let created = try await world.call(
                .post, "/v1/syncs",
                json:
                    #"{"connection_id":"\#(connection)","source_path":"svc-restart/r","destination":"\#(world.root)/restart","sync_mode":"scheduled","polling_interval_seconds":86400}"#
            )
            let sync = try #require(created.json["id"] as? String)
            let firstRun = try await world.newestRun(sync: sync)
            let first = try await world.finishedRun(sync: sync, run: firstRun)
            #expect(first["status"] as? String == "succeeded")
            #expect(first["trigger"] as? String == "schedule")
            // A process died mid-run: its run is still marked running.
            var interrupted = RunRecord.queued(syncId: sync, trigger: "manual", at: Date())
            interrupted.status = .running
            interrupted.startedAt = Date()
            #expect(try await world.store.enqueue(interrupted).created)
            let interruptedId = interrupted.id
            // A new process on the same database, with a store of its own, resumes it.
            var restarted = world.configuration
            restarted.store = try await world.reopenedStore()
            try await ServiceApplication.build(configuration: restarted).test(.router) { _ in
                let resumed = try await world.finishedRun(sync: sync, run: interruptedId)
                #expect(resumed["status"] as? String == "succeeded")
                #expect(resumed["skipped"] as? Int == 3)
                #expect(resumed["copied"] as? Int == 0)
            }
            let runs = try await world.store.runs(syncId: sync, limit: 10)
            #expect(runs.count == 2)
            #expect(runs.allSatisfy { !$0.isActive })
        }
    }
}

@Suite("Service: modes and directions")
struct ModeTests {
    @Test("A continuous sync runs again after its interval (the clock moved on), from the scheduler, one at a time")
    func continuous() async throws {
        try await ServiceWorld.run { world in
            let bucket = try await world.b2.createBucket(named: "svc-continuous")
            try await world.b2.upload(.bytes(ByteBuffer(string: "x")), to: bucket, as: "c/x")
            let (connection, _) = try await world.connection()
            let created = try await world.call(
                .post, "/v1/syncs",
                json:
                    #"{"connection_id":"\#(connection)","source_path":"b2://svc-continuous/c","destination":"\#(world.root)/cont","sync_mode":"continuous","polling_interval_seconds":30}"#
            )
            let sync = try #require(created.json["id"] as? String)
            var runs: [RunRecord] = []
            for _ in 0..<600 {
                runs = try await world.store.runs(syncId: sync, limit: 10)
                #expect(runs.filter(\.isActive).count <= 1)
                let succeeded = runs.filter { $0.status == .succeeded }.count
                if succeeded >= 2 { break }
                // The first run has ended: the next is due 30 s later, by the service's clock.
                if succeeded == 1, runs.filter(\.isActive).isEmpty { world.clock.advance(by: 31) }
                try await Task.sleep(for: .milliseconds(50))
            }
            let done = runs.filter { $0.status == .succeeded }
            #expect(done.count >= 2)
            #expect(done.allSatisfy { $0.trigger == "schedule" })
            #expect(done.map(\.copied).sorted() == [0, 1] || done.count > 2)
        }
    }

    @Test("The reverse direction: a local folder into b2:// with a key that may write")
    func folderIntoBucket() async throws {
        try await ServiceWorld.run { world in
            let bucket = try await world.b2.createBucket(named: "svc-upload")
            let source = world.root + "/up"
            try FileManager.default.createDirectory(atPath: source + "/d", withIntermediateDirectories: true)
            try Data("uploaded".utf8).write(to: URL(fileURLWithPath: source + "/d/f.txt"))
            let readOnly = try await world.key(["listBuckets", "listFiles", "readFiles"])
            let reader = try #require(
                try await world.call(
                    .post, "/v1/connections",
                    json: ServiceWorld.connectionJSON(keyId: readOnly.id, secret: readOnly.secret)
                ).json["id"] as? String)
            let refused = try await world.call(
                .post, "/v1/syncs",
                json:
                    #"{"connection_id":"\#(reader)","source_path":"\#(source)","destination":"b2://svc-upload/in","sync_mode":"one_time"}"#
            )
            #expect(refused.status == 422)
            #expect((refused.json["detail"] as? String)?.contains("writeFiles") == true)
            let (connection, _) = try await world.connection()
            let created = try await world.call(
                .post, "/v1/syncs",
                json:
                    #"{"connection_id":"\#(connection)","source_path":"\#(source)","destination":"b2://svc-upload/in","sync_mode":"one_time"}"#
            )
            #expect(created.status == 201, "\(created.body)")
            let sync = try #require(created.json["id"] as? String)
            let run = try await world.finishedRun(sync: sync, run: try await world.newestRun(sync: sync))
            #expect(run["status"] as? String == "succeeded")
            var names: [String] = []
            for try await version in try await world.b2.listFiles(in: bucket, prefix: "in/") {
                names.append(version.fileName)
            }
            #expect(names == ["in/d/f.txt"])
        }
    }
}
