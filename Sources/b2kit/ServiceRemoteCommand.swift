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

    /// Where the service is and the token.
    struct Target: ParsableArguments {
        @Option(name: .long, help: "The service's URL (default: B2KIT_SERVICE_URL or http://127.0.0.1:8585).")
        var url: String?
        @Option(name: .long, help: "The API token (default: B2KIT_SERVICE_TOKEN).")
        var token: String?

        func client() throws -> ServiceClient {
            let environment = ProcessInfo.processInfo.environment
            guard let token = token ?? environment["B2KIT_SERVICE_TOKEN"], !token.isEmpty else {
                throw ValidationError("give --token or set B2KIT_SERVICE_TOKEN ('b2kit service token create')")
            }
            return ServiceClient(
                baseURL: url ?? environment["B2KIT_SERVICE_URL"] ?? "http://127.0.0.1:8585", token: token)
        }
    }

    /// Prints an answer as indented JSON, keys sorted.
    static func print(_ answer: JSONValue) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(answer)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// `remote connect`: a connection from B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY (never an argument).
    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a connection from B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY.")
        @OptionGroup var target: Target
        @Option(name: .long, help: "The connection's name.")
        var name: String

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            guard let keyId = environment["B2_APPLICATION_KEY_ID"], let key = environment["B2_APPLICATION_KEY"] else {
                throw ValidationError(
                    "set B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY (the key is never taken as an argument)")
            }
            try ServiceRemoteCommand.print(
                try await target.client().send(
                    "POST", "/v1/connections", json: ConnectionRequest(name: name, keyId: keyId, applicationKey: key)))
        }
    }

    /// `remote sync`: creates a sync.
    struct CreateSync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sync", abstract: "Create a sync.")
        @OptionGroup var target: Target
        @Option(name: .long, help: "The connection's id.")
        var connection: String
        @Option(
            name: .long,
            help: "b2://BUCKET/PREFIX (or a folder inside a service root when --destination is a bucket).")
        var source: String
        @Option(
            name: .long,
            help: "A folder inside a service root (raw/2024, ROOT:raw/2024, or an absolute path in one), or b2://...")
        var destination: String
        @Option(name: .long, help: "one_time, scheduled or continuous.")
        var mode: String = "one_time"
        @Option(name: .long, help: "Seconds between runs, 30 to 86400 (scheduled, continuous).")
        var interval: Int?
        @Option(name: .long, help: "Include glob (repeatable).")
        var include: [String] = []
        @Option(name: .long, help: "Exclude glob (repeatable).")
        var exclude: [String] = []
        @Flag(name: .long, help: "Delete destination objects the source lacks.")
        var delete = false

        func run() async throws {
            let body = SyncRequest(
                connectionId: connection, sourcePath: source, destination: destination, syncMode: mode,
                pollingIntervalSeconds: interval, includePatterns: include, excludePatterns: exclude, delete: delete)
            try ServiceRemoteCommand.print(try await target.client().send("POST", "/v1/syncs", json: body))
        }
    }

    /// `remote trigger`: queues a run, and with --wait follows it to its end (exit 3 when partial, 1 failed).
    struct Trigger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trigger a run; --wait follows it to its end.")
        @OptionGroup var target: Target
        @Argument(help: "The sync's id.")
        var sync: String
        @Flag(name: .long, help: "Wait for the run to end; exit 0 succeeded, 3 partial, 1 failed.")
        var wait = false

        func run() async throws {
            let client = try target.client()
            var run = try await client.send("POST", "/v1/syncs/\(sync)/trigger")
            guard wait, case .string(let id)? = run["id"] else { return try ServiceRemoteCommand.print(run) }
            while case .string(let status)? = run["status"], status == "queued" || status == "running" {
                try await Task.sleep(for: .milliseconds(200))
                run = try await client.send("GET", "/v1/syncs/\(sync)/runs/\(id)")
            }
            try ServiceRemoteCommand.print(run)
            switch run["status"] {
            case .string("succeeded")?: return
            case .string("partial")?: throw ExitCode(3)
            default: throw ExitCode(1)
            }
        }
    }

    /// `remote runs`: a sync's newest runs.
    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a sync's newest runs.")
        @OptionGroup var target: Target
        @Argument(help: "The sync's id.")
        var sync: String

        func run() async throws {
            try ServiceRemoteCommand.print(try await target.client().send("GET", "/v1/syncs/\(sync)/runs"))
        }
    }
}
