import B2Kit
import B2Sync
import Foundation
import Synchronization

/// `b2kit sync`: runs the sync engine once, on a schedule, or continuously, and reports what it did.
public enum SyncOperation {
    /// What `b2kit sync` was asked to do.
    public struct Request: Sendable {
        /// The source side.
        public var source: SyncEndpoint
        /// The destination side.
        public var destination: SyncEndpoint
        /// Filters, comparison, deletion, dry run, transfers.
        public var options: SyncOptions
        /// How often to run.
        public var mode: SyncMode
        /// Seconds between runs for `scheduled` and `continuous`.
        public var interval: Double
        /// A file to append one JSON line per change to.
        public var eventsPath: String?
        /// The state database, when not the default (see `SyncState.defaultPath`).
        public var statePath: String?

        /// Creates a request.
        public init(
            source: SyncEndpoint,
            destination: SyncEndpoint,
            options: SyncOptions,
            mode: SyncMode = .oneTime,
            interval: Double = 60,
            eventsPath: String? = nil,
            statePath: String? = nil
        ) {
            self.source = source
            self.destination = destination
            self.options = options
            self.mode = mode
            self.interval = interval
            self.eventsPath = eventsPath
            self.statePath = statePath
        }
    }

    /// Reads `--include` and `--exclude` rules in the order they were given on the command line (an argument
    /// parser keeps each option's values, but not how the two interleave).
    /// - Throws: `B2Error` `.usage` for a malformed glob or a rule without its pattern.
    public static func rules(fromArguments arguments: [String]) throws -> [SyncFilter.Rule] {
        var rules: [SyncFilter.Rule] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" { break }
            for (flag, include) in [("--include", true), ("--exclude", false)] {
                let pattern: String
                if argument == flag {
                    guard index < arguments.count else {
                        throw B2Error(.usage, "\(flag) needs a pattern, such as \(flag) '*.csv'")
                    }
                    pattern = arguments[index]
                    index += 1
                } else if argument.hasPrefix(flag + "=") {
                    pattern = String(argument.dropFirst(flag.count + 1))
                } else {
                    continue
                }
                let glob = try Glob(pattern)
                rules.append(include ? .include(glob) : .exclude(glob))
            }
        }
        return rules
    }

    /// Runs the sync as the request says.
    /// - Parameters:
    ///   - stop: requested when SIGINT or SIGTERM arrives: no new transfer or retry starts, the transfers in
    ///     flight have the request's grace period to finish, and the command returns.
    /// - Returns: the summary of the last run (exit 3 when it is incomplete).
    @discardableResult
    public static func run(_ context: CommandContext, _ request: Request, stop: StopRequest) async throws -> SyncSummary
    {
        let events = try request.eventsPath.map { try SyncEventLog(path: $0, destination: request.destination) }
        let usesS3 = [request.source, request.destination].contains {
            if case .bucket(let path) = $0 { return path.scheme == .s3 }
            return false
        }
        if usesS3 {
            // s3:// sides go through the S3 API of the account (signed with an application key for `local`).
            return try await ClientProvider.withS3Client(context) { s3 in
                try await runs(context, request, stop: stop, events: events, client: nil, s3: s3)
            }
        }
        return try await ClientProvider.withClient(context) { client, _ in
            try await runs(context, request, stop: stop, events: events, client: client, s3: nil)
        }
    }

    /// Runs the sync once, or again and again in the scheduled and continuous modes.
    private static func runs(
        _ context: CommandContext, _ request: Request, stop: StopRequest, events: SyncEventLog?, client: B2Client?,
        s3: S3Client?
    ) async throws -> SyncSummary {
        // The state database is opened by the first run that changes something (a dry run writes nothing).
        let statePath =
            request.statePath
            ?? SyncState.defaultPath(
                source: request.source, destination: request.destination,
                environment: context.configuration.environment
            )
        let loop = SyncLoop(mode: request.mode, interval: request.interval)
        return try await loop.run(stop: stop) { run in
            let started = Date()
            let progress = SyncProgressLine(context: context)
            let state = request.options.dryRun ? nil : try openState(statePath, request: request)
            let engine = SyncEngine(client: client, s3: s3, state: state) { event in
                progress.observe(event)
                sayPlanned(context, event)
                events?.append(event)
            }
            let summary = try await engine.run(
                from: request.source, to: request.destination, options: request.options, stop: stop)
            progress.finish()
            report(context, summary, request: request, seconds: Date().timeIntervalSince(started), run: run)
            return summary
        }
    }

    /// In a dry run, prints each planned change: the plan, for people.
    static func sayPlanned(_ context: CommandContext, _ event: SyncEvent) {
        switch event {
        case .copied(let object, let reason, true):
            context.say("would copy \(object.name) (\(reason.rawValue), \(ByteCountText(object.size)))")
        case .deleted(let object, true):
            context.say("would delete \(object.name)")
        default:
            break
        }
    }

    static func openState(_ path: String, request: Request) throws -> SyncState {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        return try SyncState(path: path)
    }

    static func report(_ context: CommandContext, _ summary: SyncSummary, request: Request, seconds: Double, run: Int) {
        if context.json {
            context.printJSON(
                SyncReport(
                    summary, source: request.source, destination: request.destination, seconds: seconds, run: run))
            return
        }
        for failure in summary.failures { context.standardError("b2kit: failed \(failure.name): \(failure.reason)\n") }
        for refusal in summary.refused {
            context.standardError("b2kit: refused \(refusal.name): \(refusal.reason); it was not written\n")
        }
        for pattern in summary.unmatchedIncludes {
            context.standardError(
                "b2kit: --include '\(pattern)' matched nothing in \(request.source): check the pattern "
                    + "(it matches names below the source, e.g. '*.csv' or 'logs/**')\n"
            )
        }
        let verb = summary.dryRun ? "would copy" : "copied"
        let deleted = summary.dryRun ? "would delete" : "deleted"
        var line =
            "\(request.source) -> \(request.destination): \(verb) \(summary.copied) (\(ByteCountText(summary.copiedBytes))), "
            + "\(summary.skipped) unchanged, \(deleted) \(summary.deleted)"
        if summary.tooOld > 0 { line += ", \(summary.tooOld) older than --modified-since" }
        if !summary.failures.isEmpty { line += ", \(summary.failures.count) failed" }
        if !summary.refused.isEmpty { line += ", \(summary.refused.count) refused" }
        line += String(format: " in %.1f s", seconds)
        context.say(line)
    }
}

/// A byte count for people: 1.5 MB, 312 B.
struct ByteCountText: CustomStringConvertible {
    let bytes: Int64
    init(_ bytes: Int64) { self.bytes = bytes }

    var description: String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
