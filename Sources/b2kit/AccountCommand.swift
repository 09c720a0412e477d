import ArgumentParser
import B2KitCLI

/// `b2kit account`.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Authorize and show the account's URLs, region, and what the key may and may not do."
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await AccountOperation.run(options.makeContext())
    }
}
