import ArgumentParser
import B2Kit
import B2KitCLI

/// `b2kit cat`.
struct CatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cat", abstract: "Write an object to standard output.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "b2://BUCKET/NAME or s3://BUCKET/NAME")
    var path: String

    func validate() throws { _ = try remotePath(path) }

    func run() async throws {
        try await TransferOperations.cat(options.makeContext(), path: try remotePath(path))
    }
}
