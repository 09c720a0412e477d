import ArgumentParser
import B2KitCLI

/// The bucket settings options of `mb` and `bucket update`.
struct BucketSettingsOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A JSON file with B2's lifecycleRules array.", valueName: "file"))
    var lifecycle: String?

    @Option(
        name: .customLong("default-sse"),
        help: ArgumentHelp("Encrypt new files by default: b2 (SSE-B2) or none.", valueName: "b2|none"))
    var defaultSSE: String?

    @Flag(name: .customLong("file-lock"), help: "Turn Object Lock on (it cannot be turned off).")
    var fileLock = false

    @Option(name: .long, help: ArgumentHelp("A JSON file with B2's corsRules array.", valueName: "file"))
    var cors: String?

    @Option(
        name: .long, help: ArgumentHelp("A JSON file with B2's replicationConfiguration object.", valueName: "file"))
    var replication: String?

    var input: BucketSettingsInput {
        BucketSettingsInput(
            lifecycleFile: lifecycle, defaultSSE: defaultSSE, fileLock: fileLock, corsFile: cors,
            replicationFile: replication)
    }
}
