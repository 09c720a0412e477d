import ArgumentParser

/// Options every `b2kit service` subcommand shares.
struct ServiceDatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The service database: sqlite:PATH.")
    var db: String = "sqlite:.b2kit-service/service.db"
}
