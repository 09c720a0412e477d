import ArgumentParser
import B2Service
import B2SigV4
import Foundation

extension ServiceTokenCommand {
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
            let (token, record) = TokenIssuer.create(name: name, role: Role(rawValue: role) ?? .default, now: Date())
            try await ServiceDatabase.withStore(database.db) { try await $0.insertToken(record) }
            print(token)
            FileHandle.standardError.write(
                Data("b2kit service: created \(role) token \(record.id) (\(name))\n".utf8))
        }
    }
}
