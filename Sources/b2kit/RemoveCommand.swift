import ArgumentParser
import B2Kit
import B2KitCLI

/// `b2kit rm`.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Delete a file's latest version (all with --versions; a prefix with --recursive)."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "b2:// or s3://BUCKET/NAME, or BUCKET/PREFIX with --recursive.")
    var path: String

    @Flag(name: .long, help: "Delete every version, not just the latest.")
    var versions = false

    @Flag(name: .shortAndLong, help: "Delete everything under the prefix.")
    var recursive = false

    func validate() throws { _ = try remotePath(path) }

    func run() async throws {
        try await TransferOperations.remove(
            options.makeContext(), path: try remotePath(path), versions: versions, recursive: recursive
        )
    }
}
