import ArgumentParser
import B2JSON
import B2Kit
import B2Service
import Foundation

extension ServiceRemoteCommand {
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
}
