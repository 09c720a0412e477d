import ArgumentParser
import B2Kit
import B2KitCLI
import B2Tables

/// `b2kit table convert`.
struct TableConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert", abstract: "Convert a table between formats, each from its extension.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var read: TableReadOptions

    @Argument(help: "The source: a local file or b2://BUCKET/KEY.")
    var source: String

    @Argument(help: "The destination: a local file, b2://BUCKET/KEY, or - for standard output.")
    var destination: String

    @Option(name: .customLong("to-format"), help: "The destination's format, when not its extension's.")
    var toFormat: String?

    func validate() throws {
        _ = try location(source)
        _ = try location(destination)
        _ = try read.resolved()
        _ = try parsedFormat(toFormat)
    }

    func run() async throws {
        try await TableOperation.convert(
            options.makeContext(), from: try location(source), to: try location(destination),
            options: try read.resolved(), format: try parsedFormat(toFormat)
        )
    }
}
