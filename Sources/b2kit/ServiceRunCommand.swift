import ArgumentParser
import B2Kit
import B2Service
import Foundation
import Logging

/// `b2kit service [run]`: serves the REST API and executes runs.
struct ServiceRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Serve the REST API and run syncs (the default subcommand).",
        discussion: """
            Create a token first: b2kit service token create --role admin --name me. The master key that seals
            application keys comes from B2KIT_MASTER_KEY (base64 of 32 bytes) or --master-key-file (created 0600 if
            missing). Syncs read and write only inside the --root folders. Without --tls-cert and --tls-key the
            service listens on loopback only, unless --allow-plain-http is given.
            """
    )

    @OptionGroup var database: ServiceDatabaseOptions

    @Option(name: .long, help: "HOST:PORT to listen on; port 0 picks a free one.")
    var listen: String = "127.0.0.1:8585"

    @Option(name: .customLong("master-key-file"), help: "Key file (default: next to the database).")
    var masterKeyFile: String?

    @Option(name: .customLong("state-dir"), help: "Folder of the syncs' state databases (default: next to the db).")
    var stateDirectory: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A folder syncs may read and write, as DIR or NAME=DIR (repeatable; default: DATA/syncs).",
            discussion: "A sync's local path is relative to a root ('raw/2024', or 'NAME:raw' with several)."))
    var root: [String] = []

    @Option(
        name: .customLong("b2-api-url"),
        help: "Where connections authorize (default: B2_ENVIRONMENT, else B2's production API).")
    var b2APIURL: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (with --tls-key).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Flag(name: .customLong("allow-plain-http"), help: "Serve plain HTTP on an address other than loopback.")
    var allowPlainHTTP = false

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

    /// True for an address only this machine reaches.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    func validate() throws {
        guard let (host, _) = hostAndPort else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8585")
        }
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be from 1 to 64") }
        if let b2APIURL, !(b2APIURL.hasPrefix("http://") || b2APIURL.hasPrefix("https://")) {
            throw ValidationError("--b2-api-url must be an http:// or https:// URL")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together: give both PEM files, or neither")
        }
        if tlsCertificate == nil, !allowPlainHTTP, !Self.isLoopback(host) {
            throw ValidationError(
                "--listen \(listen) without TLS would send tokens in clear: give --tls-cert and --tls-key, listen on "
                    + "127.0.0.1, or add --allow-plain-http behind a TLS proxy")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .info : .warning
            return handler
        }
        guard let (host, port) = hostAndPort else { return }
        // What the service creates (synced files and folders, its own state) is 0640/0750 at most; a stricter umask
        // of the operator's stays.
        umask(umask(0) | 0o027)
        let environment = ProcessInfo.processInfo.environment
        let apiURL = try b2APIURL ?? ResolvedConfiguration.apiBaseURL(environment: environment)
        let tls = try tlsCertificate.flatMap { certificate in
            try tlsKey.map { try ServiceTLS(certificateFile: certificate, keyFile: $0) }
        }
        let folder = ServiceDatabase.siblingFolder(of: database.db)
        let masterKeyPath = masterKeyFile ?? folder + "/master.key"
        let states = stateDirectory ?? folder + "/state"
        let roots = try ServiceRoots(root, defaultRoot: folder + "/syncs")
        var own = [states, masterKeyPath]
        if !database.db.hasPrefix("postgres") { own.append(SQLiteServiceStore.path(fromURL: database.db)) }
        try roots.refuseContaining(own)
        let store = try await ServiceDatabase.open(database.db)
        let key = try MasterKey.load(environment: environment, file: masterKeyPath)
        let configuration = ServiceConfiguration(
            store: store, masterKey: key, stateDirectory: states, roots: roots, b2APIURL: apiURL, workers: workers)
        let origin =
            b2APIURL != nil ? "--b2-api-url" : environment["B2_ENVIRONMENT"] != nil ? "B2_ENVIRONMENT" : "default"
        let transport =
            tls == nil
            ? "plain HTTP" + (Self.isLoopback(host) ? " on loopback only" : " (--allow-plain-http)") : "HTTPS"
        let scheme = tls == nil ? "http" : "https"
        let app = try ServiceApplication.build(configuration: configuration, host: host, port: port, tls: tls) {
            bound in
            FileHandle.standardOutput.write(Data("b2kit service: listening on \(scheme)://\(host):\(bound)\n".utf8))
            FileHandle.standardError.write(
                Data(
                    ("b2kit service: \(transport); connections authorize against \(apiURL) (\(origin)); roots: "
                        + roots.roots.map { "\($0.name)=\($0.path)" }.joined(separator: ", ") + "\n").utf8))
        }
        do {
            try await app.runService()
        } catch {
            throw RuntimeError("cannot serve on \(listen): \(error); is the port in use? Try port 0")
        }
    }
}
