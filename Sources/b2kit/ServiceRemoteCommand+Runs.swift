import ArgumentParser
import B2JSON
import B2Kit
import B2Service
import Foundation

extension ServiceRemoteCommand {
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
