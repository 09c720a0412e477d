import ArgumentParser
import B2Service
import B2SigV4
import Foundation

extension ServiceTokenCommand {
    /// `token list`: ids, names and dates, never the tokens.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tokens: id, name, role, created, last used, state (never the tokens).")
        @OptionGroup var database: ServiceDatabaseOptions

        func run() async throws {
            let tokens = try await ServiceDatabase.withStore(database.db) { try await $0.tokens() }
            print("id\tname\trole\tcreated\tlast_used\tstate")
            for token in tokens {
                let state = token.revokedAt.map { "revoked " + ISO8601Timestamp.string(from: $0) } ?? "valid"
                let used = token.lastUsedAt.map { ISO8601Timestamp.string(from: $0) } ?? "never"
                print(
                    "\(token.id)\t\(token.name)\t\(token.role)\t\(ISO8601Timestamp.string(from: token.createdAt))\t\(used)"
                        + "\t\(state)")
            }
        }
    }
}
