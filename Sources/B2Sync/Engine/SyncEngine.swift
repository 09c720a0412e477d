import B2Kit
import Foundation
import Logging
import Synchronization

/// Runs one pass of a sync: lists both sides, merge-joins them, and copies and deletes with bounded concurrency.
///
/// ```swift
/// let engine = SyncEngine(client: client)
/// let summary = try await engine.run(from: .bucket(B2Path(bucket: "data", key: "raw/")), to: .folder("/srv/raw"))
/// ```
public struct SyncEngine: Sendable {
    /// The client `b2://` sides use (nil when only `s3://` sides are synced).
    public let client: B2Client?
    /// The client `s3://` sides use; when nil, one is made from `client` (`B2Client.s3Client()`).
    public let s3: S3Client?
    /// Told of each copy, deletion, failure and refusal as it happens.
    public let observer: @Sendable (SyncEvent) -> Void
    /// Where the engine logs.
    public let logger: Logger
    /// The state database: the catalog and the cache of local SHA-1s (nil to keep none).
    public let state: SyncState?

    /// Creates an engine.
    /// - Parameters:
    ///   - client: the native client, for `b2://` sides.
    ///   - s3: the S3 client for `s3://` sides; made from `client` when nil (B2 refuses the master key on S3: pass
    ///     a client signed with an application key then).
    public init(
        client: B2Client?,
        s3: S3Client? = nil,
        state: SyncState? = nil,
        logger: Logger = Logger(label: "b2kit.sync"),
        observer: @escaping @Sendable (SyncEvent) -> Void = { _ in }
    ) {
        self.client = client
        self.s3 = s3
        self.state = state
        self.logger = logger
        self.observer = observer
    }

    /// Syncs `source` into `destination` once.
    /// - Parameter stop: once requested (or once the calling task is cancelled), no new transfer starts, no request
    ///   is tried again, the transfers in flight have `options.grace` to finish and are then cancelled, and the
    ///   run returns what it did (marked `stopped`). Every request of the run runs under it
    ///   (`StopRequest.current`).
    /// - Returns: what was done; failures of single objects are in the summary, not thrown.
    /// - Throws: `B2Error` when the sync cannot start or a listing fails (a missing bucket, a key without the
    ///   capability, an unreadable folder, two local folders), and `.unreachable` when B2 stopped answering
    ///   altogether (the transfers in flight are cancelled; a rerun resumes).
    public func run(
        from source: SyncEndpoint,
        to destination: SyncEndpoint,
        options: SyncOptions = SyncOptions(),
        stop: StopRequest? = nil
    ) async throws -> SyncSummary {
        do {
            return try await StopRequest.$current.withValue(stop) {
                try await runUnderStop(from: source, to: destination, options: options, stop: stop)
            }
        } catch let error as B2Error where error.code == .cancelled && stop?.isRequested == true {
            // Stopped before the listings began: nothing was done.
            var summary = SyncSummary()
            summary.dryRun = options.dryRun
            summary.stopped = true
            return summary
        }
    }

    private func runUnderStop(
        from source: SyncEndpoint, to destination: SyncEndpoint, options: SyncOptions, stop: StopRequest?
    ) async throws -> SyncSummary {
        let sides = try await SyncSides(
            client: client, s3: s3, source: source, destination: destination, dryRun: options.dryRun,
            s3PieceSize: options.s3PieceSize, confinement: options.confinement,
            encryption: (options.sourceEncryption, options.destinationEncryption)
        )
        let temporaries = Mutex<[String]>([])
        let statistics = FilterStatistics()
        let plan = SyncPlan(
            source: try await sides.source.listing(onTemporary: { _ in }),
            destination: try await sides.destination.listing(onTemporary: { name in
                temporaries.withLock { $0.append(name) }
            }),
            filter: options.filter,
            statistics: statistics,
            isSame: { from, to in try await isSame(from, to, comparison: options.comparison, sides: sides) }
        )
        var summary = SyncSummary()
        summary.dryRun = options.dryRun
        // After a crash, the files renamed into place just before the kill are skipped as unchanged; their catalog
        // rows (and events) are written now, so the catalog holds every synced object without copying it again.
        let reconcile = options.dryRun ? false : try await state?.lastRunWasInterrupted() ?? false
        let runId = options.dryRun ? nil : try await state?.beginRun()
        let moved = ByteCounter()
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            if let stop {
                // After a stop the transfers in flight have the grace period; then they are cancelled.
                // Cancelled when the run ends first: it then returns at once, and its outcome changes nothing.
                group.addTask {
                    _ = try? await stop.wait()
                    try? await Task.sleep(for: options.grace)
                    return .graceOver
                }
            }
            var inFlight = 0
            do {
                for try await decision in plan {
                    if Self.isStopping(stop) {
                        summary.stopped = true
                        break
                    }
                    switch decision {
                    case .skip(let object):
                        summary.skipped += 1
                        if reconcile { try await recordIfMissing(object, sides: sides) }
                    case .tooOld:
                        summary.tooOld += 1
                    case .delete(let object):
                        guard options.delete else { continue }
                        // A version Object Lock keeps is reported, never sent a delete B2 would refuse.
                        if let kept = object.version?.protection(atMillis: Int64(Date().timeIntervalSince1970 * 1000)) {
                            summary.refused.append(.init(name: object.name, reason: kept))
                            observer(.refused(name: object.name, reason: kept))
                            continue
                        }
                        if options.dryRun {
                            summary.deleted += 1
                            observer(.deleted(object, dryRun: true))
                            continue
                        }
                        group.addTask { await delete(object, sides: sides) }
                        inFlight += 1
                    case .copy(let object, let reason):
                        if let problem = sides.destination.problem(with: object.name) {
                            summary.refused.append(.init(name: object.name, reason: problem))
                            observer(.refused(name: object.name, reason: problem))
                            continue
                        }
                        if options.dryRun {
                            summary.copied += 1
                            summary.copiedBytes += object.size
                            observer(.copied(object, reason, dryRun: true))
                            continue
                        }
                        group.addTask { await copy(object, reason, sides: sides, moved: moved) }
                        inFlight += 1
                    }
                    while inFlight >= options.transfers, let outcome = try await group.next() {
                        if try record(outcome, in: &summary) { inFlight -= 1 } else { group.cancelAll() }
                    }
                }
            } catch let error as B2Error where error.code == .cancelled && stop?.isRequested == true {
                // A listing's next page was refused by the stop: the run ends like any stopped one.
                summary.stopped = true
            }
            while inFlight > 0, let outcome = try await group.next() {
                if try record(outcome, in: &summary) { inFlight -= 1 } else { group.cancelAll() }
            }
            group.cancelAll()
        }
        summary.unmatchedIncludes = statistics.unmatchedIncludes(of: options.filter).map(\.pattern)
        if let runId { try await state?.finishRun(runId, summary) }
        if !options.dryRun {
            summary.temporariesRemoved += sides.destination.removeTemporaries(temporaries.withLock { $0 })
        }
        return summary
    }

    enum Outcome: Sendable {
        case copied(SyncObject)
        case deleted(SyncObject)
        case failed(String, B2Error)
        /// A transfer cancelled by a stop: neither done nor failed.
        case stopped
        /// The grace period after a stop is over (or the run ended first): what is still in flight is cancelled.
        case graceOver
    }

    /// True once `stop` is requested or the run's task is cancelled.
    static func isStopping(_ stop: StopRequest?) -> Bool { stop?.isRequested == true || Task.isCancelled }

    /// Adds a transfer's outcome to the summary.
    /// - Returns: false when the outcome was not a transfer's but the end of the grace period.
    /// - Throws: the failure when B2 is unreachable (the client's breaker opened): the run ends there, the
    ///   transfers still in flight are cancelled, and a rerun resumes.
    private func record(_ outcome: Outcome, in summary: inout SyncSummary) throws -> Bool {
        switch outcome {
        case .graceOver:
            return false
        case .stopped:
            summary.stopped = true
        case .copied(let object):
            summary.copied += 1
            summary.copiedBytes += object.size
        case .deleted:
            summary.deleted += 1
        case .failed(_, let error) where error.code == .unreachable:
            throw error
        case .failed(let name, let error):
            summary.failures.append(.init(name: name, reason: error.message))
        }
        return true
    }

    /// The outcome of a transfer that threw: stopped when a stop cancelled it, failed otherwise (and reported).
    private func failed(_ name: String, _ error: any Error) -> Outcome {
        let failure = error as? B2Error ?? B2Error(.localFile, "\(error)", cause: DescribedError(error))
        if failure.code == .cancelled, Self.isStopping(StopRequest.current) { return .stopped }
        logger.debug("Transfer failed", metadata: ["sync.name": "\(name)"])
        observer(.failed(name: name, error: failure))
        return .failed(name, failure)
    }

    private func copy(_ object: SyncObject, _ reason: SyncDecision.Reason, sides: SyncSides, moved: ByteCounter)
        async -> Outcome
    {
        do {
            let meter = DeltaMeter { bytes in observer(.progress(bytes: moved.add(bytes))) }
            let created = try await sides.transfer.move(object, progress: meter.update)
            try await state?.recordCopied(
                object, localPath: sides.destination.catalogPath(of: object.name), copy: created)
            observer(.copied(object, reason, dryRun: false))
            return .copied(object)
        } catch {
            return failed(object.name, error)
        }
    }

    /// Writes the catalog row of an object the destination already holds when the catalog lacks it, and reports it
    /// as arrived (once: the row is there afterwards).
    private func recordIfMissing(_ object: SyncObject, sides: SyncSides) async throws {
        guard let state, try await !state.hasCatalogEntry(name: object.name) else { return }
        try await state.recordCopied(object, localPath: sides.destination.catalogPath(of: object.name), copy: nil)
        observer(.copied(object, .new, dryRun: false))
    }

    private func delete(_ object: SyncObject, sides: SyncSides) async -> Outcome {
        do {
            try await sides.destination.delete(object)
            try await state?.recordDeleted(name: object.name)
            observer(.deleted(object, dryRun: false))
            return .deleted(object)
        } catch {
            return failed(object.name, error)
        }
    }

    private func isSame(
        _ source: SyncObject,
        _ destination: SyncObject,
        comparison: SyncOptions.Comparison,
        sides: SyncSides
    ) async throws -> Bool {
        guard source.size == destination.size else { return false }
        switch comparison {
        case .sizeAndTime:
            return sameTime(source, destination, sides: sides)
        case .checksum:
            guard let left = try await sides.source.sha1(of: source, state: state),
                let right = try await sides.destination.sha1(of: destination, state: state)
            else { return sameTime(source, destination, sides: sides) }
            return left == right
        }
    }

    /// Whether two objects of the same size count as the same by their times. An `s3://` destination lists upload
    /// times, not the source's modification times, so there a copy is current when it was uploaded at or after the
    /// source's last change (to the second, as S3 reports times); elsewhere the times must be equal.
    private func sameTime(_ source: SyncObject, _ destination: SyncObject, sides: SyncSides) -> Bool {
        guard sides.destination.holdsUploadTimes else { return source.modifiedMillis == destination.modifiedMillis }
        let changed = source.modifiedMillis >= 0 ? source.modifiedMillis / 1000 : (source.modifiedMillis - 999) / 1000
        return destination.modifiedMillis >= changed * 1000
    }
}

/// Bytes moved by all transfers of a run.
final class ByteCounter: Sendable {
    private let total = Atomic<Int64>(0)

    /// Adds `bytes` and returns the new total.
    func add(_ bytes: Int64) -> Int64 { total.add(bytes, ordering: .relaxed).newValue }
}
