import B2Kit
import Foundation
import GRDB
import PostgresNIO
import Testing

@testable import B2Service

@Suite("Service: run status column")
struct RunStatusTests {
    @Test("Each status is stored and read back as the same case; a status this b2kit does not know fails to load")
    func typedStatus() async throws {
        try await ServiceWorld.run { world in
            let now = Date()
            try await world.store.insertConnection(
                ConnectionRecord(
                    id: "conn", name: "c", keyId: "k", sealedKey: Data([1]), accountId: "a", capabilities: [],
                    allowedBucket: nil, namePrefix: nil, createdAt: now, updatedAt: now))
            var ids: [RunRecord.Status: String] = [:]
            for status in RunRecord.Status.allCases {
                let sync = SyncRecord(
                    id: "sync-\(status)", name: "s", connectionId: "conn", sourcePath: "b2://x", destination: "/tmp/x",
                    syncMode: "one_time", pollingIntervalSeconds: 60, includePatterns: [], excludePatterns: [],
                    modifiedSince: nil, deleteExtraneous: false, paused: true, nextRunAt: nil, createdAt: now,
                    updatedAt: now)
                var run = RunRecord.queued(syncId: sync.id, trigger: "manual", at: now)
                run.status = status
                try await world.store.insertSync(sync, queueRun: run)
                ids[status] = run.id
            }
            for (status, id) in ids {
                #expect(try await world.store.run(id: id)?.status == status)
            }
            let edited = try #require(ids[.succeeded])
            try await world.setStatus("archived", run: edited)
            let error = await #expect(throws: (any Error).self) { try await world.store.run(id: edited) }
            #expect(String(describing: error).contains("archived"), "\(String(describing: error))")
        }
    }
}

extension ServiceWorld {
    /// Writes `status` into a run's row behind the store's back, as a newer b2kit or a person with psql would.
    func setStatus(_ status: String, run id: String) async throws {
        if let sqlite = store as? SQLiteServiceStore {
            try await sqlite.writer.write {
                try $0.execute(sql: "UPDATE runs SET status = ? WHERE id = ?", arguments: [status, id])
            }
            return
        }
        let postgres = try #require(store as? PostgresServiceStore)
        try await PostgresServiceStore.withConnection(postgres.connection, logger: postgres.logger) { connection in
            try await connection.query("UPDATE runs SET status = \(status) WHERE id = \(id)", logger: postgres.logger)
        }
    }
}
