import ArgumentParser
import B2JSON
import B2Kit
import B2Service
import Foundation

extension ServiceRemoteCommand {
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
}
