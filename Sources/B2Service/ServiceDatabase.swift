import B2Kit
import Foundation

/// Opens the store named by `--db`: `sqlite:PATH` (or a bare path).
public enum ServiceDatabase {
    /// Opens the store; creates the folder of a SQLite file.
    /// - Throws: `B2Error` `.usage` for an unknown scheme, `.localFile` when the database cannot be opened.
    public static func open(_ url: String) throws -> any ServiceStore {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            throw B2Error(.usage, "PostgreSQL is not supported yet: use --db sqlite:PATH")
        }
        if let colon = url.firstIndex(of: ":"), !url.hasPrefix("sqlite:"), !url.hasPrefix("/"), !url.hasPrefix(".") {
            throw B2Error(.usage, "--db '\(url[..<colon]):...' is not known: use sqlite:PATH")
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
    public static func siblingFolder(of url: String) -> String {
        let path = SQLiteServiceStore.path(fromURL: url)
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }
}
