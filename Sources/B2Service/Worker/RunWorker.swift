import B2Kit
import B2Sync
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Queues due scheduled runs and executes queued runs with B2Sync's engine, at most `workers` at once and never
/// two of one sync (the store refuses a second active run).
///
/// A run a previous process left running is queued again at start; B2Sync's state database makes it resume:
/// objects already copied are skipped, not copied again.
public struct RunWorker: Service {
    let configuration: ServiceConfiguration
    let wakeStream: AsyncStream<Void>
    let wakeContinuation: AsyncStream<Void>.Continuation

    /// Creates a worker.
    public init(configuration: ServiceConfiguration) {
        self.configuration = configuration
        (wakeStream, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks the worker to look for work now (after a trigger or a creation).
    public func wake() { wakeContinuation.yield() }

    /// Runs until cancelled or gracefully shut down; runs in flight then stop between objects and are queued again.
    public func run() async throws {
        let store = configuration.store
        let requeued = try await store.requeueInterruptedRuns()
        if requeued > 0 {
            configuration.logger.info("Resuming interrupted runs", metadata: ["service.runs": "\(requeued)"])
        }
        let inFlight = RunCounter()
        let tick = configuration.schedulerTick
        let wake = wakeContinuation
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        wake.yield()
                        try? await Task.sleep(for: tick)
                    }
                    wake.finish()
                }
                for await _ in wakeStream {
                    if Task.isCancelled { break }
                    await queueDueRuns()
                    while inFlight.value.load(ordering: .relaxed) < configuration.workers {
                        let claimed: RunRecord?
                        do {
                            claimed = try await store.claimNextRun(at: configuration.now())
                        } catch {
                            configuration.logger.error("Cannot claim a run", metadata: ["service.error": "\(error)"])
                            break
                        }
                        guard let run = claimed else { break }
                        inFlight.value.add(1, ordering: .relaxed)
                        group.addTask {
                            await execute(run)
                            inFlight.value.subtract(1, ordering: .relaxed)
                            wake.yield()
                        }
                    }
                }
                group.cancelAll()
            }
        }
    }

    /// Queues a run for each scheduled or continuous sync that is due.
    func queueDueRuns() async {
        do {
            let now = configuration.now()
            for sync in try await configuration.store.dueSyncs(at: now) {
                _ = try await configuration.store.enqueue(
                    RunRecord.queued(syncId: sync.id, trigger: "schedule", at: now))
            }
        } catch {
            configuration.logger.error("Cannot queue scheduled runs", metadata: ["service.error": "\(error)"])
        }
    }

    /// Executes one claimed run and stores how it ended.
    func execute(_ claimed: RunRecord) async {
        var run = claimed
        let store = configuration.store
        var sync: SyncRecord?
        configuration.logger.info(
            "Executing run", metadata: ["service.run": "\(run.id)", "service.sync": "\(run.syncId)"])
        do {
            guard let found = try await store.sync(id: run.syncId) else { return }
            sync = found
            guard let connection = try await store.connection(id: found.connectionId) else {
                throw B2Error(.configuration, "The sync's connection was deleted: point the sync at another one")
            }
            guard
                let summary = try await runLeased(
                    run.id, { [names = run.objectNames] in try await runEngine(found, connection, limitedTo: names) })
            else {
                configuration.logger.warning("Another process took over a run", metadata: ["service.run": "\(run.id)"])
                return
            }
            if summary.stopped {
                run.status = .queued
                try await store.finishRun(run, nextRunAt: found.nextRunAt)
                return
            }
            run.copied = summary.copied
            run.skipped = summary.skipped
            run.deleted = summary.deleted
            run.failed = summary.failures.count + summary.refused.count
            run.bytes = summary.copiedBytes
            run.errors = (summary.failures + summary.refused).prefix(100).map { "\($0.name): \($0.reason)" }
            run.status = summary.isComplete ? .succeeded : .partial
        } catch {
            run.status = .failed
            run.message = (error as? B2Error)?.message ?? "The run failed: \(error)"
        }
        let finished = configuration.now()
        run.finishedAt = finished
        var next: Date?
        if let sync, let mode = SyncMode(rawValue: sync.syncMode) {
            let changed = run.copied + run.deleted > 0
            next = mode.nextRun(
                startedAt: run.startedAt ?? finished, finishedAt: finished, changed: changed,
                interval: TimeInterval(sync.pollingIntervalSeconds))
        }
        do {
            try await store.finishRun(run, nextRunAt: next)
        } catch {
            configuration.logger.error("Cannot store a run's end", metadata: ["service.run": "\(run.id)"])
        }
    }

    /// Runs the sync once: all of it, or only the B2 names an event run lists (those the sync's filter takes).
    func runEngine(_ sync: SyncRecord, _ connection: ConnectionRecord, limitedTo objectNames: [String]? = nil)
        async throws -> SyncSummary
    {
        let key = try configuration.secrets.open(connection.sealedKey, for: connection.id)
        let client = B2Client(
            keyId: connection.keyId, applicationKey: key, apiBaseURL: configuration.b2APIURL,
            logger: configuration.logger)
        // Resolved again at each start: a link swapped in since the sync was created must not lead out of the roots.
        let sides: (SyncEndpoint, SyncEndpoint)
        do {
            sides = try Validation.sides(
                source: sync.sourcePath, destination: sync.destination, roots: configuration.roots)
        } catch let problem as Problem {
            throw B2Error(.localFile, problem.detail + ": change the sync's local folder, or remove the link")
        }
        let (source, destination) = sides
        let local: String
        switch (source, destination) {
        case (.folder(let folder), _), (_, .folder(let folder)): local = folder
        default: throw B2Error(.configuration, "The sync has no local folder: recreate it")
        }
        if case .folder = destination {
            try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
        }
        try FileManager.default.createDirectory(
            atPath: configuration.stateDirectory, withIntermediateDirectories: true)
        let state = try SyncState(path: Self.statePath(of: sync.id, in: configuration.stateDirectory))
        var filter = try Validation.filter(
            include: sync.includePatterns, exclude: sync.excludePatterns, modifiedSince: sync.modifiedSince)
        if let objectNames {
            guard case .bucket(let path) = source else {
                throw B2Error(.configuration, "An event run needs a bucket source: recreate the sync")
            }
            let prefix = path.key.isEmpty || path.key.hasSuffix("/") ? path.key : path.key + "/"
            let names = objectNames.compactMap { name in
                name.utf8.starts(with: prefix.utf8)
                    ? String(decoding: name.utf8.dropFirst(prefix.utf8.count), as: UTF8.self) : nil
            }.filter { !$0.isEmpty && !$0.hasSuffix("/") && filter.includes($0) }
            // No name of the sync's: nothing to do (an empty rule list would take every name).
            guard !names.isEmpty else { return SyncSummary() }
            filter = SyncFilter(
                rules: try names.map { .include(try Glob.exactly($0)) }, modifiedSince: filter.modifiedSince)
        }
        let options = SyncOptions(
            filter: filter, delete: sync.deleteExtraneous, confinement: try LocalConfinement(folders: [local]))
        let events = try SyncEventLog(
            path: Self.eventsPath(of: sync.id, in: configuration.stateDirectory), destination: destination)
        let engine = SyncEngine(client: client, state: state, logger: configuration.logger) { events.append($0) }
        return try await engine.run(from: source, to: destination, options: options)
    }

    /// Runs `body` while renewing the run's lease every third of its duration; nil (and `body` cancelled) when
    /// another process took the run over.
    func runLeased(_ runId: String, _ body: @escaping @Sendable () async throws -> SyncSummary) async throws
        -> SyncSummary?
    {
        let store = configuration.store
        let every = store.leaseDuration / 3
        return try await withThrowingTaskGroup(of: SyncSummary?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                while true {
                    try await Task.sleep(for: every)
                    let renewed = (try? await store.renewLease(runId: runId)) ?? true
                    if !renewed { return nil }
                }
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// Where a sync's state database (catalog, SHA-1 cache, runs) lives.
    static func statePath(of syncId: String, in directory: String) -> String {
        directory + "/sync-" + syncId + ".db"
    }

    /// Where a sync's event log (`SyncEventLine`s, as `b2kit sync --events` writes them) lives.
    static func eventsPath(of syncId: String, in directory: String) -> String {
        directory + "/sync-" + syncId + ".events.jsonl"
    }
}

/// Runs in flight in one worker.
final class RunCounter: Sendable {
    let value = Atomic<Int>(0)
}

extension RunRecord {
    /// A new queued run.
    static func queued(syncId: String, trigger: String, at date: Date) -> RunRecord {
        RunRecord(
            id: "run_" + TokenIssuer.randomText(bytes: 12), syncId: syncId, status: .queued,
            trigger: trigger, copied: 0, skipped: 0, deleted: 0, failed: 0, bytes: 0, errors: [], message: nil,
            queuedAt: date, startedAt: nil, finishedAt: nil)
    }
}
