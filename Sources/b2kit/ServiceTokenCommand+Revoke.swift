import ArgumentParser
import B2Service
import B2SigV4
import Foundation

extension ServiceTokenCommand {
    /// `token revoke ID`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")
        @OptionGroup var database: ServiceDatabaseOptions
        @Argument(help: "The token's id (from 'token list').")
        var id: String

        func run() async throws {
            let revoked = try await ServiceDatabase.withStore(database.db) { [id] in
                try await $0.revokeToken(id: id, at: Date())
            }
            guard revoked else {
                throw RuntimeError("no valid token has the id \(id): see 'b2kit service token list'")
            }
            print("revoked \(id)")
        }
    }
}
