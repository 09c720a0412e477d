import ArgumentParser
import B2Kit
import B2KitCLI
import B2Sync
import Dispatch
import Foundation

/// `b2kit sync`.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Keep a folder and a bucket prefix (or two prefixes) in step: once, on a schedule, or continuously.",
        discussion: """
            Rules from --include and --exclude are tried in the order given, and the first that matches a name \
            decides; with any --include, names no rule matches are skipped. Globs follow rclone: * within a \
            folder, ** across folders, ?, [a-z], {csv,json}; a leading / anchors at the root of the source.
            Exit codes: 0 everything synced, 1 runtime failure, 2 usage error, 3 some objects failed or were \
            refused (listed).
            s3:// sides use the account's S3-compatible API (sign with an application key: B2 refuses the master \
            key there). S3 listings carry upload times and no SHA-1: a copy on s3:// counts as current when it is \
            the same size and was uploaded at or after the source's last change, and --compare checksum falls \
            back to that. Both bucket sides must use the same scheme.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "Source: b2://BUCKET/PREFIX (native API), s3://BUCKET/PREFIX (S3 API) or a local folder.")
    var source: String

    @Argument(help: "Destination: a local folder, b2://BUCKET/PREFIX or s3://BUCKET/PREFIX.")
    var destination: String

    @Option(name: .long, help: "Sync only names matching this glob (repeatable; order matters, see above).")
    var include: [String] = []

    @Option(name: .long, help: "Skip names matching this glob (repeatable; order matters, see above).")
    var exclude: [String] = []

    @Option(name: .customLong("modified-since"), help: "Only objects modified at or after this ISO 8601 date.")
    var modifiedSince: String?

    @Option(name: .long, help: "one_time (default), scheduled, continuous or events (b2:// to a folder).")
    var mode: String = SyncMode.oneTime.rawValue

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Seconds between runs for scheduled and continuous modes (default 60); between full syncs that "
                + "reconcile --mode events (default 3600)."))
    var interval: Double?

    @Option(
        name: .long,
        help: ArgumentHelp("With --mode events: where to receive B2's event notifications.", valueName: "host:port"))
    var listen: String?

    @Option(name: .long, help: "With --mode events: the rule's signing secret (32 letters and digits).")
    var secret: String?

    @Flag(name: .long, help: "With --mode events: add a notification rule for the listener, removed on exit.")
    var register = false

    @Option(name: .long, help: "How to compare: size-mtime (default) or checksum.")
    var compare: String = SyncOptions.Comparison.sizeAndTime.rawValue

    @Option(name: .long, help: "Objects transferred at once.")
    var transfers: Int = 16

    @Flag(name: .long, help: "Delete destination objects the source does not have.")
    var delete = false

    @Flag(name: .customLong("dry-run"), help: "Print what would change, and change nothing.")
    var dryRun = false

    @OptionGroup var encryptionOptions: EncryptionOptions

    @Option(name: .long, help: "Append one JSON line per change to this file.")
    var events: String?

    @Option(name: .long, help: "The state database (default: .b2kit-sync.db in a destination folder).")
    var state: String?

    @Option(
        name: .long,
        help: "After SIGINT or SIGTERM, seconds the transfers in flight may finish in (a second signal stops at once)."
    )
    var grace: Double = 10

    func validate() throws {
        _ = try request(arguments: [])
    }

    func run() async throws {
        let request = try request(arguments: Array(CommandLine.arguments.dropFirst()))
        let stop = StopRequest()
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler {
                if stop.isRequested { Foundation.exit(130) }
                let seconds = String(format: "%g", grace)
                let note =
                    "b2kit: stopping after the transfers in flight (up to \(seconds) s; a second signal stops at once)\n"
                FileHandle.standardError.write(Data(note.utf8))
                stop.request()
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        let summary =
            if let listener = try listener() {
                try await EventSyncOperation.run(options.makeContext(), request, listener: listener, stop: stop)
            } else {
                try await SyncOperation.run(options.makeContext(), request, stop: stop)
            }
        if !summary.isComplete, !summary.stopped { throw ExitCode(3) }
    }

    private var encryption: FileOptionsInput { encryptionOptions.input() }

    /// The listener of `--mode events`, or nil in the other modes.
    private func listener() throws -> EventSyncOperation.Listener? {
        guard mode == "events" else {
            guard listen == nil, secret == nil, !register else {
                throw ValidationError("--listen, --secret and --register go with --mode events")
            }
            return nil
        }
        guard let listen else {
            throw ValidationError("--mode events needs --listen HOST:PORT, where B2 posts the event notifications")
        }
        do {
            return try EventSyncOperation.Listener(listen: listen, secret: secret, register: register)
        } catch let error as B2Error {
            throw ValidationError(error.message)
        }
    }

    /// The request the arguments describe; `arguments` gives the interleaved order of the rules.
    private func request(arguments: [String]) throws -> SyncOperation.Request {
        do {
            guard let mode = SyncMode(rawValue: mode) else {
                throw B2Error(.usage, "--mode must be one_time, scheduled, continuous or events, not '\(mode)'")
            }
            let interval = self.interval ?? (mode == .events ? 3600 : 60)
            _ = try listener()
            guard let comparison = SyncOptions.Comparison(rawValue: compare) else {
                throw B2Error(.usage, "--compare must be size-mtime or checksum, not '\(compare)'")
            }
            guard interval > 0 else { throw B2Error(.usage, "--interval must be a positive number of seconds") }
            guard transfers >= 1 else { throw B2Error(.usage, "--transfers must be at least 1") }
            guard grace >= 0, grace.isFinite else {
                throw B2Error(.usage, "--grace must be a number of seconds, 0 or more")
            }
            var rules = try SyncOperation.rules(fromArguments: arguments)
            if arguments.isEmpty {
                rules = try include.map { .include(try Glob($0)) } + exclude.map { .exclude(try Glob($0)) }
            }
            let filter = SyncFilter(
                rules: rules, modifiedSince: try modifiedSince.map(SyncFilter.parseModifiedSince)
            )
            return SyncOperation.Request(
                source: try SyncEndpoint.parse(source),
                destination: try SyncEndpoint.parse(destination),
                options: SyncOptions(
                    filter: filter, comparison: comparison, delete: delete, dryRun: dryRun, transfers: transfers,
                    grace: .seconds(grace), sourceEncryption: try encryption.sourceKey,
                    destinationEncryption: try encryption.options().encryption
                ),
                mode: mode,
                interval: interval,
                eventsPath: events,
                statePath: state
            )
        } catch let error as B2Error {
            throw ValidationError(error.message)
        }
    }
}
