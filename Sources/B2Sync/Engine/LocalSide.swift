import B2Kit
import Foundation

/// A local folder. Every path is checked against the confinement right before it is opened, created or deleted.
struct LocalSide: SyncSide {
    let endpoint: SyncEndpoint
    let root: String
    /// Where local files must resolve to before they are opened.
    let confinement: LocalConfinement?
    /// True for the destination of a sync.
    let isDestination: Bool

    /// Checks the folder against the confinement and, as a destination (unless a dry run), creates it.
    init(_ endpoint: SyncEndpoint, root: String, isDestination: Bool, dryRun: Bool, confinement: LocalConfinement?)
        throws
    {
        self.endpoint = endpoint
        self.root = root
        self.confinement = confinement
        self.isDestination = isDestination
        try confinement?.check(root)
        guard isDestination, !dryRun else { return }
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw B2Error(
                .localFile, "Cannot create the destination folder \(root): check the path and permissions",
                cause: DescribedError(error))
        }
    }

    var holdsUploadTimes: Bool { false }

    /// The path of `name`, refused when a link on its way leads out of the confinement.
    func path(of name: String) throws -> String {
        let path = root + "/" + name
        try confinement?.check(path)
        return path
    }

    /// The path to write `name` to, with the folders above it created, refusing when a file stands where a folder
    /// must go.
    func prepare(_ name: String) throws -> String {
        let path = try path(of: name)
        let parent = (path as NSString).deletingLastPathComponent
        guard parent != root else { return path }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw B2Error(
                .localFile,
                "Cannot create the folder \(parent): a file of that name may be in the way (B2 can hold both NAME "
                    + "and NAME/..., a folder cannot)",
                cause: DescribedError(error))
        }
        return path
    }

    func listing(onTemporary: @escaping @Sendable (String) -> Void) async throws -> ObjectListing {
        var isFolder: ObjCBool = false
        if isDestination, !FileManager.default.fileExists(atPath: root, isDirectory: &isFolder) {
            // A dry run into a folder that does not exist yet: everything is new.
            return ObjectListing(EmptyListing())
        }
        return ObjectListing(LocalListing(root: root, onTemporary: onTemporary))
    }

    func delete(_ object: SyncObject) async throws {
        let path = try path(of: object.name)
        guard unlink(path) == 0 || errno == ENOENT else {
            throw B2Error(.localFile, "Cannot delete \(path) (errno \(errno)): check the folder's permissions")
        }
    }

    /// The SHA-1 cached in the state database for the same path, size, time and inode, else computed once and
    /// cached.
    func sha1(of object: SyncObject, state: SyncState?) async throws -> String? {
        let path = try path(of: object.name)
        let inode = object.inode ?? 0
        if let cached = try await state?.cachedSHA1(
            path: path, size: object.size, modifiedMillis: object.modifiedMillis, inode: inode)
        {
            return cached
        }
        let computed = try LocalDigest.sha1(ofFileAt: path)
        try await state?.storeSHA1(
            computed, path: path, size: object.size, modifiedMillis: object.modifiedMillis, inode: inode)
        return computed
    }

    func problem(with name: String) -> String? { LocalName.problem(with: name) }

    func catalogPath(of name: String) -> String? { root + "/" + name }

    func removeTemporaries(_ names: [String]) -> Int {
        names.count { name in (try? path(of: name)).map { unlink($0) == 0 } ?? false }
    }
}
