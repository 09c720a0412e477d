import B2Kit
import Foundation
import Logging
import ServiceLifecycle

/// Opens the store named by `--db`: `sqlite:PATH` (or a bare path), or `postgres://USER@HOST:PORT/DATABASE`.
public enum ServiceDatabase {
    /// Opens the store; creates the folder of a SQLite file. A PostgreSQL store's lease lasts
    /// `B2KIT_SERVICE_LEASE_SECONDS` (60 by default).
    /// - Throws: `B2Error` `.usage` for an unknown scheme, `.localFile` when the database cannot be opened.
    public static func open(_ url: String) async throws -> any ServiceStore {
        if isPostgres(url) {
            let environment = ProcessInfo.processInfo.environment["B2KIT_SERVICE_LEASE_SECONDS"]
            let seconds = environment.flatMap(Int.init) ?? 60
            guard seconds > 0 else {
                throw B2Error(.usage, "B2KIT_SERVICE_LEASE_SECONDS must be a positive number of seconds")
            }
            return try await PostgresServiceStore(url: url, leaseDuration: .seconds(seconds))
        }
        if let colon = url.firstIndex(of: ":"), !url.hasPrefix("sqlite:"), !url.hasPrefix("/"), !url.hasPrefix(".") {
            throw B2Error(.usage, "--db '\(url[..<colon]):...' is not known: use sqlite:PATH or postgres://...")
        }
        let path = SQLiteServiceStore.path(fromURL: url)
        guard !path.isEmpty else { throw B2Error(.usage, "--db sqlite: needs a path, e.g. sqlite:service.db") }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        return try SQLiteServiceStore(path: path)
    }

    /// Opens the store, runs its `services` while `body` uses it, and stops them after: for a command that uses the
    /// store without the service, e.g. `b2kit service token`.
    /// - Throws: what `open` or `body` throws.
    public static func withStore<Result: Sendable>(
        _ url: String, _ body: @Sendable (any ServiceStore) async throws -> Result
    ) async throws -> Result {
        let store = try await open(url)
        return try await running(store.services) { try await body(store) }
    }

    /// Runs `services` while `body` runs, then shuts them down gracefully and waits for them.
    static func running<Result: Sendable>(
        _ services: [any Service], _ body: @Sendable () async throws -> Result
    ) async throws -> Result {
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [], logger: Logger(label: "b2kit")))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }

    /// The folder next to the database where the key file and sync state go by default.
    /// For PostgreSQL, the current folder.
    public static func siblingFolder(of url: String) -> String {
        if isPostgres(url) { return "." }
        let path = SQLiteServiceStore.path(fromURL: url)
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    static func isPostgres(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }
}
