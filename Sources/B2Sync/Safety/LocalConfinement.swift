import B2Kit
import Foundation

/// The local folders a sync may read and write, checked with every symbolic link followed.
///
/// A name that passed `LocalName` can still lead out of a folder when a folder on its way is, or becomes, a link
/// that points elsewhere. A sync with a confinement resolves each local file right before it is opened, created or
/// deleted, and refuses it when its real path lies outside every folder:
///
/// ```swift
/// let confinement = try LocalConfinement(folders: ["/srv/b2"])
/// try confinement.check("/srv/b2/raw/2024/a.csv")  // throws when raw/ was swapped for a link to /etc
/// ```
public struct LocalConfinement: Sendable, Equatable {
    /// The folders, as real paths (no links, no `.` or `..`, no trailing `/`).
    public let folders: [String]

    /// Creates a confinement to `folders`, each resolved to its real path.
    /// - Throws: `B2Error` `.localFile` when a folder does not exist or is not a folder.
    public init(folders: [String]) throws {
        self.folders = try folders.map { folder in
            guard let real = Self.realPath(folder), Self.isFolder(real) else {
                throw B2Error(.localFile, "\(folder) is not an existing folder: create it, or name another one")
            }
            return real
        }
    }

    /// True when `path`, with every link followed, is one of the folders or lies inside one.
    public func contains(_ path: String) -> Bool {
        guard let real = Self.realPath(path) else { return false }
        return folders.contains { Self.isInside(real, $0) }
    }

    /// Refuses a path that resolves outside every folder.
    /// - Throws: `B2Error` `.localFile` naming where the path leads and the folders it may use.
    public func check(_ path: String) throws {
        guard !contains(path) else { return }
        let leads = Self.realPath(path).map { " (it resolves to \($0))" } ?? ""
        throw B2Error(
            .localFile,
            "\(path) is outside the folders this sync may use\(leads): a link on its way points out of "
                + folders.joined(separator: ", ") + "; remove the link")
    }

    /// The real path of `path`, which need not exist: the real path of its deepest existing ancestor, with the
    /// missing components after it (they are no links, since they do not exist). Nil for a relative path, a `..`
    /// past a missing component, or a loop of links.
    public static func realPath(_ path: String) -> String? {
        guard path.hasPrefix("/"), !path.utf8.contains(0) else { return nil }
        var existing = path
        var missing: [Substring] = []
        while true {
            if let resolved = realpath(existing, nil) {
                defer { free(resolved) }
                var real = String(cString: resolved)
                for component in missing.reversed() {
                    guard component != ".." else { return nil }
                    if component == "." || component.isEmpty { continue }
                    real = (real == "/" ? "" : real) + "/" + component
                }
                return real
            }
            guard errno == ENOENT, existing != "/" else { return nil }
            let trimmed = existing.hasSuffix("/") ? String(existing.dropLast()) : existing
            guard let slash = trimmed.lastIndex(of: "/") else { return nil }
            missing.append(trimmed[trimmed.index(after: slash)...])
            existing = slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
        }
    }

    /// True when the real path `path` is `folder` or lies below it.
    public static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" || path == folder || path.hasPrefix(folder + "/")
    }

    /// True when `path` (links followed) is a folder.
    public static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
