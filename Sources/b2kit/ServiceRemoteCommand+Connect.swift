import ArgumentParser
import B2JSON
import B2Kit
import B2Service
import Foundation

extension ServiceRemoteCommand {
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
}
