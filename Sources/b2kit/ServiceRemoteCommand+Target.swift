import ArgumentParser
import B2JSON
import B2Kit
import B2Service
import Foundation

extension ServiceRemoteCommand {
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
}
