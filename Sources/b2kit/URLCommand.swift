import ArgumentParser
import B2Kit
import B2KitCLI

/// `b2kit url`.
struct URLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "url", abstract: "Print a file's download URL.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "b2://BUCKET/NAME")
    var path: String

    func validate() throws { _ = try remotePath(path) }

    func run() async throws {
        try await TransferOperations.url(options.makeContext(), path: try remotePath(path))
    }
}
