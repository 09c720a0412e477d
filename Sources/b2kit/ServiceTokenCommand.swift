import ArgumentParser

/// `b2kit service token create|revoke|list`: API tokens, stored only as SHA-256 hashes.
struct ServiceTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke the service's API tokens.",
        subcommands: [Create.self, List.self, Revoke.self]
    )
}
