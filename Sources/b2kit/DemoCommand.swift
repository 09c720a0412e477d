import ArgumentParser
import B2KitCLI

/// `b2kit demo`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "The main job on the embedded emulator: seed a bucket, sync its tables into a folder, show the catalog.",
        discussion: """
            Uses the built-in profile 'local' (data in B2KIT_LOCAL_DATA, default ./.b2kit-data). Idempotent: a \
            second run uploads nothing and finds every file unchanged.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: "The folder to sync into.")
    var into = "b2kit-demo"

    func run() async throws {
        try await DemoOperation.run(options.makeContext(), into: into)
    }
}
