import ArgumentParser
import B2KitCLI

/// `b2kit catalog`.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List what a sync delivered (name, size, SHA-1; --json adds content type, times, file info, path).",
        discussion: "The catalog is the table 'catalog' of the sync's SQLite state database: SQL reads it too."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "A sync's destination folder, or its --state database file.")
    var location: String

    @Option(name: .long, help: "Only names starting with this prefix.")
    var prefix: String = ""

    func run() async throws {
        try await CatalogOperation.show(options.makeContext(), location: location, prefix: prefix)
    }
}
