import ArgumentParser
import B2Service
import Foundation
import Logging

/// `b2kit service`: runs the sync service (the default), or manages its API tokens.
struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Run the sync service (REST API, scheduler, workers) or manage its tokens.",
        subcommands: [ServiceRunCommand.self, ServiceTokenCommand.self],
        defaultSubcommand: ServiceRunCommand.self
    )
}

/// Options every `b2kit service` subcommand shares.
struct ServiceDatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The service database: sqlite:PATH.")
    var db: String = "sqlite:.b2kit-service/service.db"
}
