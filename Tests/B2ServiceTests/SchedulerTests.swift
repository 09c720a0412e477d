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
                    #"{"connection_id":"\#(connection)","source_path":"svc-restart/r","destination":"\#(world.folder)/restart","sync_mode":"scheduled","polling_interval_seconds":86400}"#
            )
            let sync = try #require(created.json["id"] as? String)
            let firstRun = try await world.newestRun(sync: sync)
            let first = try await world.finishedRun(sync: sync, run: firstRun)
            #expect(first["status"] as? String == "succeeded")
            #expect(first["trigger"] as? String == "schedule")
            // A process died mid-run: its run is still marked running.
            var interrupted = RunRecord.queued(syncId: sync, trigger: "manual", at: Date())
            interrupted.status = RunRecord.Status.running.rawValue
            interrupted.startedAt = Date()
            #expect(try await world.store.enqueue(interrupted).created)
            let interruptedId = interrupted.id
            // A new process on the same database resumes it.
            try await ServiceApplication.build(configuration: world.configuration).test(.router) { _ in
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
