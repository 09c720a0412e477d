import ArgumentParser
import B2Service
import Foundation
import Logging

/// `b2kit service [run]`: serves the REST API and executes runs.
struct ServiceRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Serve the REST API and run syncs (the default subcommand).",
        discussion: """
            Create a token first: b2kit service token create --name ci. The master key that seals application
            keys comes from B2KIT_MASTER_KEY (base64 of 32 bytes) or --master-key-file (created 0600 if missing).
            """
    )

    @OptionGroup var database: ServiceDatabaseOptions

    @Option(name: .long, help: "HOST:PORT to listen on; port 0 picks a free one.")
    var listen: String = "127.0.0.1:8585"

    @Option(name: .customLong("master-key-file"), help: "Key file (default: next to the database).")
    var masterKeyFile: String?

    @Option(name: .customLong("state-dir"), help: "Folder of the syncs' state databases (default: next to the db).")
    var stateDirectory: String?

    @Option(name: .customLong("b2-api-url"), help: "Where connections authorize (b2kit serve's URL for tests).")
    var b2APIURL: String = "https://api.backblazeb2.com"

    @Option(name: .long, help: "Runs executed at once.")
    var workers: Int = 4

    @Flag(name: .shortAndLong, help: "Log each run.")
    var verbose = false

    var hostAndPort: (String, Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65_535).contains(port), colon > listen.startIndex
        else { return nil }
        return (String(listen[..<colon]), port)
    }

    func validate() throws {
        guard hostAndPort != nil else { throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8585") }
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be from 1 to 64") }
        guard b2APIURL.hasPrefix("http://") || b2APIURL.hasPrefix("https://") else {
            throw ValidationError("--b2-api-url must be an http:// or https:// URL")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .info : .warning
            return handler
        }
        guard let (host, port) = hostAndPort else { return }
        let store = try await ServiceDatabase.open(database.db)
        let folder = ServiceDatabase.siblingFolder(of: database.db)
        let key = try MasterKey.load(
            environment: ProcessInfo.processInfo.environment, file: masterKeyFile ?? folder + "/master.key")
        let configuration = ServiceConfiguration(
            store: store, masterKey: key, stateDirectory: stateDirectory ?? folder + "/state", b2APIURL: b2APIURL,
            workers: workers)
        let app = ServiceApplication.build(configuration: configuration, host: host, port: port) { bound in
            FileHandle.standardOutput.write(Data("b2kit service: listening on http://\(host):\(bound)\n".utf8))
        }
        do {
            try await app.runService()
        } catch {
            throw RuntimeError("cannot serve on \(listen): \(error); is the port in use? Try port 0")
        }
    }
}
