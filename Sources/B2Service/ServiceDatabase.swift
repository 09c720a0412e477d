import B2Kit
import Foundation

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
