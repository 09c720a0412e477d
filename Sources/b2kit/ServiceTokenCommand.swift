import ArgumentParser
import B2Service
import B2SigV4
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
        @Option(
            name: .long,
            help: "viewer (reads), operator (also runs and changes syncs) or admin (also connections and tokens).")
        var role: String = Role.default.rawValue

        func validate() throws {
            guard !name.isEmpty, name.count <= 200 else { throw ValidationError("--name must be 1 to 200 characters") }
            guard Role(rawValue: role) != nil else {
                throw ValidationError("--role must be viewer, operator or admin, not '\(role)'")
            }
        }

        func run() async throws {
            let store = try await ServiceDatabase.open(database.db)
            let (token, record) = TokenIssuer.create(name: name, role: Role(rawValue: role) ?? .default, now: Date())
            try await store.insertToken(record)
            print(token)
            FileHandle.standardError.write(
                Data("b2kit service: created \(role) token \(record.id) (\(name))\n".utf8))
        }
    }

    /// `token list`: ids, names and dates, never the tokens.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tokens: id, name, role, created, last used, state (never the tokens).")
        @OptionGroup var database: ServiceDatabaseOptions

        func run() async throws {
            let store = try await ServiceDatabase.open(database.db)
            print("id\tname\trole\tcreated\tlast_used\tstate")
            for token in try await store.tokens() {
                let state = token.revokedAt.map { "revoked " + ISO8601Timestamp.string(from: $0) } ?? "valid"
                let used = token.lastUsedAt.map { ISO8601Timestamp.string(from: $0) } ?? "never"
                print(
                    "\(token.id)\t\(token.name)\t\(token.role)\t\(ISO8601Timestamp.string(from: token.createdAt))\t\(used)"
                        + "\t\(state)")
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
