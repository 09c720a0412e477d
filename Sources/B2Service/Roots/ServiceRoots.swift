import B2Kit
import B2Sync
import Foundation

/// The folders the operator lets syncs read and write (`b2kit service --root`), and how a caller's local path
/// resolves inside them.
///
/// A caller names a local folder relative to a root (`raw/2024`), as `NAME:raw/2024` when there are several roots,
/// or as an absolute path inside one. It is resolved with every link followed when a sync is created or changed,
/// again when each run starts, and (through B2Sync's `LocalConfinement`) before each file is opened; anything that
/// resolves outside every root is refused.
public struct ServiceRoots: Sendable, Equatable {
    /// One root: the name callers use in `NAME:path`, and its real path.
    public struct Root: Sendable, Equatable {
        /// The name (`--root NAME=DIR`, or the folder's last component).
        public let name: String
        /// The folder, as a real path.
        public let path: String
    }

    /// The roots, in the order the operator gave them.
    public let roots: [Root]

    /// Reads `--root` values: `DIR` or `NAME=DIR`, each an existing folder (created when it is `defaultRoot`).
    /// - Parameters:
    ///   - specifications: the `--root` values; when empty, `defaultRoot` is the only root.
    ///   - defaultRoot: the root without `--root` (`DATA/syncs`), created if missing.
    /// - Throws: `B2Error` `.usage` for a malformed value, a missing folder or two roots of one name.
    public init(_ specifications: [String], defaultRoot: String) throws {
        if specifications.isEmpty {
            try FileManager.default.createDirectory(
                atPath: defaultRoot, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        }
        var roots: [Root] = []
        for specification in specifications.isEmpty ? [defaultRoot] : specifications {
            var name: String?
            var folder = specification
            if let equals = specification.firstIndex(of: "="), !specification.hasPrefix("/") {
                name = String(specification[..<equals])
                folder = String(specification[specification.index(after: equals)...])
            }
            let absolute = folder.hasPrefix("/") ? folder : FileManager.default.currentDirectoryPath + "/" + folder
            guard let real = LocalConfinement.realPath(absolute), LocalConfinement.isFolder(real) else {
                throw B2Error(.usage, "--root \(specification): \(folder) is not an existing folder; create it first")
            }
            let rootName = name ?? (real == "/" ? "root" : (real as NSString).lastPathComponent)
            guard Self.isRootName(rootName) else {
                throw B2Error(
                    .usage,
                    "--root \(specification): a root's name is letters, digits, '-', '_' and '.'; "
                        + "write --root NAME=DIR")
            }
            guard !roots.contains(where: { $0.name == rootName }) else {
                throw B2Error(
                    .usage, "--root \(specification): two roots are named '\(rootName)'; name one with NAME=DIR")
            }
            roots.append(Root(name: rootName, path: real))
        }
        self.roots = roots
    }

    /// Refuses to serve when a root holds one of the service's own files or folders (its database, master key,
    /// state databases), which a sync could then read or overwrite.
    /// - Throws: `B2Error` `.usage` naming the file and the root.
    public func refuseContaining(_ statePaths: [String]) throws {
        for statePath in statePaths {
            guard let real = LocalConfinement.realPath(statePath) else { continue }
            if let root = roots.first(where: {
                LocalConfinement.isInside(real, $0.path) || LocalConfinement.isInside($0.path, real)
            }) {
                throw B2Error(
                    .usage,
                    "--root \(root.path) holds the service's own \(statePath): a sync could read or overwrite it. "
                        + "Name a root beside the service's data folder, not around it")
            }
        }
    }

    /// Resolves a caller's local folder to its real path inside a root.
    /// - Parameter field: the JSON field the path came from, named in problems.
    /// - Throws: `Problem` 422 for `..`, NUL, an unknown root name, or a path that resolves outside every root.
    func resolve(_ text: String, field: String) throws -> String {
        guard !text.isEmpty, !text.utf8.contains(0) else {
            throw Problem.invalid(field, "\(field) must be a folder inside a root, such as 'raw/2024'\(listed)")
        }
        let candidate: String
        if text.hasPrefix("/") {
            candidate = text
        } else if let colon = text.firstIndex(of: ":"), let root = roots.first(where: { $0.name == text[..<colon] }) {
            let rest = text[text.index(after: colon)...].drop { $0 == "/" }
            candidate = rest.isEmpty ? root.path : root.path + "/" + rest
        } else if roots.count == 1 {
            candidate = roots[0].path + "/" + text
        } else {
            throw Problem.invalid(
                field, "\(field) '\(text)' names no root: with several roots write ROOT:PATH\(listed)")
        }
        guard !candidate.split(separator: "/").contains("..") else {
            throw Problem.invalid(field, "\(field) '\(text)' contains '..': name a folder inside a root\(listed)")
        }
        guard let real = LocalConfinement.realPath(candidate),
            roots.contains(where: { LocalConfinement.isInside(real, $0.path) })
        else {
            throw Problem.invalid(field, "\(field) '\(text)' resolves outside the service's roots\(listed)")
        }
        return real
    }

    /// The roots, for a problem's detail.
    var listed: String {
        "; the roots are " + roots.map { "\($0.name) (\($0.path))" }.joined(separator: ", ")
    }

    static func isRootName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}
