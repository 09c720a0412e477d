import B2Kit
import Foundation
import Testing

@testable import B2Service

/// Two stores on one PostgreSQL database stand for two `b2kit service` processes sharing it.
@Suite("PostgreSQL run claims")
struct PostgresClaimTests {
    /// The server `scripts/test` started; nil (the tests skip) outside CI without one.
    static let serverURL: String? = {
        let url = ProcessInfo.processInfo.environment["B2KIT_TEST_POSTGRES_URL"] ?? ""
        if url.isEmpty, ProcessInfo.processInfo.environment["CI"] == nil {
            print("PostgresClaimTests skipped: set B2KIT_TEST_POSTGRES_URL (scripts/postgres-test-server prints one)")
            return nil
        }
        return url
    }()

    /// Runs `body` with two stores on one new database, their pools running.
    func withTwoStores(
        lease: Duration, _ body: @Sendable (PostgresServiceStore, PostgresServiceStore) async throws -> Void
    ) async throws {
        let server = try #require(
            Self.serverURL.flatMap { $0.isEmpty ? nil : $0 },
            "CI is set but B2KIT_TEST_POSTGRES_URL is not: run scripts/test, which starts PostgreSQL")
        let database = try await newPostgresDatabase(serverURL: server)
        let first = try await PostgresServiceStore(url: database, leaseDuration: lease)
        let second = try await PostgresServiceStore(url: database, leaseDuration: lease)
        try await ServiceDatabase.running(first.services + second.services) { try await body(first, second) }
    }

    func queueSyncs(_ count: Int, in store: PostgresServiceStore) async throws -> [String] {
        let now = Date()
        let connection = ConnectionRecord(
            id: "conn", name: "c", keyId: "k", sealedKey: Data([1, 2]), accountId: "a", capabilities: ["listFiles"],
            allowedBucket: nil, namePrefix: nil, createdAt: now, updatedAt: now)
        try await store.insertConnection(connection)
        var runs: [String] = []
        for index in 0..<count {
            let sync = SyncRecord(
                id: "sync\(index)", name: "s\(index)", connectionId: "conn", sourcePath: "b2://x",
                destination: "/tmp/x",
                syncMode: "one_time", pollingIntervalSeconds: 60, includePatterns: [], excludePatterns: [],
                modifiedSince: nil, deleteExtraneous: false, paused: false, nextRunAt: nil, createdAt: now,
                updatedAt: now)
            let run = RunRecord.queued(syncId: sync.id, trigger: "manual", at: now)
            try await store.insertSync(sync, queueRun: run)
            runs.append(run.id)
        }
        return runs
    }

    @Test(
        "Two processes claiming at once take each queued run exactly once",
        .enabled(if: PostgresClaimTests.serverURL != nil))
    func claimsOnce() async throws {
        try await withTwoStores(lease: .seconds(60)) { first, second in
            let queued = try await queueSyncs(20, in: first)
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for store in [first, second, first, second] {
                    group.addTask {
                        var ids: [String] = []
                        while let run = try await store.claimNextRun(at: Date()) { ids.append(run.id) }
                        return ids
                    }
                }
                var all: [String] = []
                for try await ids in group { all += ids }
                return all
            }
            #expect(claimed.count == 20)
            #expect(Set(claimed) == Set(queued))
            // Running under a live lease: nobody takes them over.
            #expect(try await second.claimNextRun(at: Date()) == nil)
        }
    }

    @Test(
        "A run whose lease expired is taken over; the old owner can neither renew nor finish it",
        .enabled(if: PostgresClaimTests.serverURL != nil))
    func leaseTakeover() async throws {
        try await withTwoStores(lease: .seconds(1)) { dying, survivor in
            let queued = try await queueSyncs(1, in: dying)
            let claimed = try #require(try await dying.claimNextRun(at: Date()))
            #expect(claimed.id == queued[0])
            var takenOver: RunRecord?
            for _ in 0..<600 where takenOver == nil {
                try await Task.sleep(for: .milliseconds(100))
                takenOver = try await survivor.claimNextRun(at: Date())
            }
            let run = try #require(takenOver, "the survivor never took the expired run over")
            #expect(run.id == claimed.id)
            #expect(try await dying.renewLease(runId: run.id) == false)
            #expect(try await survivor.renewLease(runId: run.id))
            var late = claimed
            late.status = .failed
            late.finishedAt = Date()
            try await dying.finishRun(late, nextRunAt: nil)
            #expect(try await survivor.run(id: run.id)?.status == .running)
            var done = run
            done.status = .succeeded
            done.finishedAt = Date()
            try await survivor.finishRun(done, nextRunAt: nil)
            #expect(try await survivor.run(id: run.id)?.status == .succeeded)
        }
    }

    @Test(
        "Finishing a run while its sync is deleted waits for the deletion instead of deadlocking",
        .enabled(if: PostgresClaimTests.serverURL != nil))
    func finishDuringDeletion() async throws {
        try await withTwoStores(lease: .seconds(60)) { worker, api in
            let queued = try await queueSyncs(1, in: worker)
            var run = try #require(try await worker.claimNextRun(at: Date()))
            #expect(run.id == queued[0])
            run.status = .succeeded
            run.finishedAt = Date()
            let finished = run
            let (locked, lockTaken) = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The deletion as PostgreSQL runs it: the sync's row first, then (by cascade) its runs.
                group.addTask {
                    try await api.client.withTransaction(logger: api.logger) { connection in
                        try await connection.query(
                            "SELECT id FROM syncs WHERE id = 'sync0' FOR UPDATE", logger: api.logger)
                        lockTaken.yield()
                        // Let the finish reach its locks: had it taken the run's row first, this would deadlock.
                        try await Task.sleep(for: .milliseconds(300))
                        try await connection.query("DELETE FROM runs WHERE \"syncId\" = 'sync0'", logger: api.logger)
                        try await connection.query("DELETE FROM syncs WHERE id = 'sync0'", logger: api.logger)
                    }
                }
                var waiting = locked.makeAsyncIterator()
                await waiting.next()
                group.addTask { try await worker.finishRun(finished, nextRunAt: nil) }
                // Neither side may fail: PostgreSQL breaks a deadlock by aborting one of them.
                try await group.waitForAll()
            }
            #expect(try await api.sync(id: "sync0") == nil)
            #expect(try await api.run(id: run.id) == nil)
        }
    }
}
