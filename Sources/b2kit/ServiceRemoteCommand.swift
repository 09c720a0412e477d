import ArgumentParser
import B2JSON
import B2Kit
import B2Service
import Foundation

/// `b2kit remote`: drives a running `b2kit service` (connections, syncs, triggers, runs) without curl.
struct ServiceRemoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote",
        abstract: "Create connections and syncs, trigger and watch runs on a running 'b2kit service'.",
        discussion: """
            The service's URL and token come from --url/--token or B2KIT_SERVICE_URL/B2KIT_SERVICE_TOKEN.
            Answers are printed as JSON. Creating a sync needs an operator token, a connection an admin token.
            """,
        subcommands: [Connect.self, CreateSync.self, Trigger.self, Runs.self]
    )

    /// Prints an answer as indented JSON, keys sorted.
    static func print(_ answer: JSONValue) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(answer)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
