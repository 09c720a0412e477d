import ArgumentParser
import B2Kit
import B2KitCLI
import B2Tables

/// `b2kit table show`.
struct TableShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the first rows of a table (only those rows are read).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var read: TableReadOptions

    @Argument(help: "A local file or b2://BUCKET/KEY.")
    var path: String

    @Option(name: .long, help: "Rows to show.")
    var head = 10

    @Option(name: .long, help: "Columns to show, comma-separated, in that order.")
    var columns: String?

    func validate() throws {
        _ = try location(path)
        _ = try read.resolved()
        guard head >= 0 else { throw ValidationError("--head must be 0 or more") }
    }

    func run() async throws {
        try await TableOperation.show(
            options.makeContext(), try location(path), head: head,
            columns: columns.map { $0.split(separator: ",").map(String.init) } ?? [], options: try read.resolved()
        )
    }
}
