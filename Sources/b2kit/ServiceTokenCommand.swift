import ArgumentParser
import B2Service
import Foundation

/// `b2kit service token create|revoke|list`: API tokens, stored only as SHA-256 hashes.
struct ServiceTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke the service's API tokens.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// `token create`: prints a new token once.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it (it is shown only now; only its hash is stored).")
        @OptionGroup var database: ServiceDatabaseOptions
        @Option(name: .long, help: "What the token is for.")
        var name: String = "default"

        func validate() throws {
            guard !name.isEmpty, name.count <= 200 else { throw ValidationError("--name must be 1 to 200 characters") }
        }

        func run() async throws {
            let store = try await ServiceDatabase.open(database.db)
            let (token, record) = TokenIssuer.create(name: name, now: Date())
            try await store.insertToken(record)
            print(token)
            FileHandle.standardError.write(Data("b2kit service: created token \(record.id) (\(name))\n".utf8))
        }
    }

    /// `token list`: ids, names and dates, never the tokens.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids and names; never the tokens).")
        @OptionGroup var database: ServiceDatabaseOptions

        func run() async throws {
            let store = try await ServiceDatabase.open(database.db)
            let formatter = ISO8601DateFormatter()
            for token in try await store.tokens() {
                let state = token.revokedAt.map { "revoked " + formatter.string(from: $0) } ?? "valid"
                print("\(token.id)\t\(token.name)\t\(formatter.string(from: token.createdAt))\t\(state)")
            }
        }
    }

    /// `token revoke ID`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")
        @OptionGroup var database: ServiceDatabaseOptions
        @Argument(help: "The token's id (from 'token list').")
        var id: String

        func run() async throws {
            let store = try await ServiceDatabase.open(database.db)
            guard try await store.revokeToken(id: id, at: Date()) else {
                throw RuntimeError("no valid token has the id \(id): see 'b2kit service token list'")
            }
            print("revoked \(id)")
        }
    }
}
