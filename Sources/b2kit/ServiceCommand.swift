import ArgumentParser

/// `b2kit service`: runs the sync service (the default), or manages its API tokens.
struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Run the sync service (REST API, scheduler, workers) or manage its tokens.",
        subcommands: [ServiceRunCommand.self, ServiceTokenCommand.self],
        defaultSubcommand: ServiceRunCommand.self
    )
}
