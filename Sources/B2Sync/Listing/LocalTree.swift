import B2Kit

#if canImport(Glibc)
    import Glibc
#endif

/// A regular file of a local tree, named as it would be in B2: its path relative to the root, `/`-separated.
public struct LocalEntry: Sendable, Hashable {
    /// The path relative to the tree's root.
    public var name: String
    /// The size in bytes.
    public var size: Int64
    /// The modification time, in milliseconds since 1970.
    public var modifiedMillis: Int64
    /// The inode number, which with size and time keys the cache of local SHA-1s.
    public var inode: UInt64
}

/// Walks a local folder in B2's order: the UTF-8 byte order of the full relative name.
///
/// A folder `a` is visited as the prefix `a/`, so `a.b` comes before everything in `a/`, which comes before `a0`.
/// Memory grows with the depth of the tree and the width of its widest folder, not with the number of files.
/// Symbolic links, sockets and other special files are skipped and reported, as are names that are not UTF-8.
public struct LocalTree: AsyncSequence, Sendable {
    /// An entry, or a path that was skipped and why.
    public typealias Element = LocalEntry

    /// Something the walk did not sync.
    public struct Skipped: Sendable, Hashable {
        /// The path, relative to the root (bytes that are not UTF-8 shown as U+FFFD).
        public var path: String
        /// Why it was skipped.
        public var reason: String
    }

    /// The root folder.
    public let root: String
    /// Called for each path not synced.
    public let onSkip: @Sendable (Skipped) -> Void

    /// Creates a walk of `root`.
    public init(root: String, onSkip: @escaping @Sendable (Skipped) -> Void = { _ in }) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        self.onSkip = onSkip
    }

    /// Starts the walk.
    public func makeAsyncIterator() -> Iterator {
        Iterator(root: root, onSkip: onSkip)
    }

    /// Walks depth-first, one folder's sorted children at a time.
    public struct Iterator: AsyncIteratorProtocol {
        private struct Child {
            var name: [UInt8]
            var isFolder: Bool
        }
        private struct Frame {
            var prefix: [UInt8]
            var children: [Child]
            var next = 0
        }
        private let root: String
        private let onSkip: @Sendable (Skipped) -> Void
        private var stack: [Frame] = []
        private var started = false

        init(root: String, onSkip: @escaping @Sendable (Skipped) -> Void) {
            self.root = root
            self.onSkip = onSkip
        }

        /// The next file, in B2's order.
        /// - Throws: `B2Error` `.localFile` when the root or a folder cannot be read.
        public mutating func next() async throws -> LocalEntry? {
            if !started {
                started = true
                stack.append(Frame(prefix: [], children: try children(of: [], isRoot: true)))
            }
            while var frame = stack.popLast() {
                guard frame.next < frame.children.count else { continue }
                let child = frame.children[frame.next]
                frame.next += 1
                let prefix = frame.prefix
                stack.append(frame)
                let relative = prefix + child.name
                if child.isFolder {
                    let children = try children(of: relative, isRoot: false)
                    stack.append(Frame(prefix: relative + [UInt8(ascii: "/")], children: children))
                    continue
                }
                if let entry = entry(relative) { return entry }
            }
            return nil
        }

        private func path(_ relative: [UInt8]) -> String {
            relative.isEmpty ? root : root + "/" + String(decoding: relative, as: UTF8.self)
        }

        /// The children of a folder, sorted so that a folder sorts as its name followed by `/`.
        private func children(of relative: [UInt8], isRoot: Bool) throws -> [Child] {
            let folder = path(relative)
            guard let directory = opendir(folder) else {
                let code = errno
                if isRoot {
                    throw B2Error(
                        .localFile,
                        code == ENOENT
                            ? "The folder \(folder) does not exist: create it or check the path"
                            : "Cannot read the folder \(folder) (errno \(code)): check its permissions"
                    )
                }
                onSkip(Skipped(path: String(decoding: relative, as: UTF8.self), reason: "cannot read the folder"))
                return []
            }
            defer { closedir(directory) }
            var children: [Child] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    Array(raw.prefix { $0 != 0 })
                }
                if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
                guard String(validating: name, as: UTF8.self) != nil else {
                    onSkip(
                        Skipped(
                            path: String(decoding: relative + [UInt8(ascii: "/")] + name, as: UTF8.self),
                            reason: "the name is not UTF-8, which B2 names must be"
                        )
                    )
                    continue
                }
                var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
                if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    isFolder =
                        lstat(path(relative + [UInt8(ascii: "/")] + name), &info) == 0
                        && (info.st_mode & S_IFMT) == S_IFDIR
                }
                children.append(Child(name: name, isFolder: isFolder))
            }
            children.sort { lhs, rhs in
                let left = lhs.isFolder ? lhs.name + [UInt8(ascii: "/")] : lhs.name
                let right = rhs.isFolder ? rhs.name + [UInt8(ascii: "/")] : rhs.name
                return left.lexicographicallyPrecedes(right)
            }
            return children
        }

        private func entry(_ relative: [UInt8]) -> LocalEntry? {
            let name = String(decoding: relative, as: UTF8.self)
            var info = stat()
            guard lstat(path(relative), &info) == 0 else {
                onSkip(Skipped(path: name, reason: "it vanished or cannot be read (errno \(errno))"))
                return nil
            }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                let kind = (info.st_mode & S_IFMT) == S_IFLNK ? "a symbolic link" : "not a regular file"
                onSkip(Skipped(path: name, reason: "it is \(kind)"))
                return nil
            }
            let millis = Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
            return LocalEntry(name: name, size: Int64(info.st_size), modifiedMillis: millis, inode: UInt64(info.st_ino))
        }
    }
}
