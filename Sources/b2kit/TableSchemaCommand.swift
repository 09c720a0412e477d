import ArgumentParser
import B2Kit
import B2KitCLI
import B2Tables

/// `b2kit table schema`.
struct TableSchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Print each column's name, type and null count.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var read: TableReadOptions

    @Argument(help: "A local file or b2://BUCKET/KEY.")
    var path: String

    func validate() throws {
        _ = try location(path)
        _ = try read.resolved()
    }

    func run() async throws {
        try await TableOperation.schema(options.makeContext(), try location(path), options: try read.resolved())
    }
}
