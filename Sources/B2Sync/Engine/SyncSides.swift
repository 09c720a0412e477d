import B2Kit
import Foundation
import Synchronization

/// The two sides of a sync, resolved: buckets looked up, the destination folder made, and how to list, copy and
/// delete between them.
struct SyncSides: Sendable {
    let client: B2Client?
    let s3: S3Client?
    let source: SyncEndpoint
    let destination: SyncEndpoint
    /// Bytes per multipart part and per ranged GET on an `s3://` side.
    let s3PieceSize: Int64
    /// Where local files must resolve to before they are opened.
    let confinement: LocalConfinement?
    private let buckets: [SyncEndpoint: B2Bucket]

    init(
        client: B2Client?, s3: S3Client?, source: SyncEndpoint, destination: SyncEndpoint, dryRun: Bool,
        s3PieceSize: Int64 = 32 << 20, confinement: LocalConfinement? = nil
    ) async throws {
        if case .folder = source, case .folder = destination {
            throw B2Error(
                .usage, "Both sides are local folders: one side of a sync must be b2://BUCKET/PREFIX"
            )
        }
        let schemes = Set([source, destination].compactMap(\.scheme))
        if schemes.count > 1 {
            throw B2Error(
                .usage,
                "\(source) and \(destination) are buckets of the same account through two APIs: write both as b2:// "
                    + "(server-side copy through the native API) or both as s3:// (through the S3 API)"
            )
        }
        var buckets: [SyncEndpoint: B2Bucket] = [:]
        var s3 = s3
        for side in [source, destination] {
            switch side {
            case .bucket(let path) where path.scheme == .s3:
                if s3 == nil {
                    guard let client else {
                        throw B2Error(.configuration, "No S3 client for \(path): give SyncEngine an S3Client")
                    }
                    s3 = try await client.s3Client()
                }
            case .bucket(let path):
                guard let client else {
                    throw B2Error(.configuration, "No B2 client for \(path): give SyncEngine a B2Client")
                }
                buckets[side] = try await client.bucket(named: path.bucket)
            case .folder(let path) where side == destination && !dryRun:
                try confinement?.check(path)
                do {
                    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                } catch {
                    throw B2Error(
                        .localFile, "Cannot create the destination folder \(path): check the path and permissions",
                        cause: DescribedError(error)
                    )
                }
            case .folder(let path):
                try confinement?.check(path)
            }
        }
        self.client = client
        self.s3 = s3
        self.source = source
        self.destination = destination
        self.buckets = buckets
        self.s3PieceSize = s3PieceSize
        self.confinement = confinement
    }

    /// The path of `name` under the local folder `root`, refused when a link on its way leads out of the
    /// confinement: called right before the file is opened, created or deleted.
    func localPath(of name: String, in root: String) throws -> String {
        let path = root + "/" + name
        try confinement?.check(path)
        return path
    }

    /// The objects of one side, in B2's order.
    func listing(of side: SyncEndpoint, onTemporary: @escaping @Sendable (String) -> Void) async throws
        -> ObjectListing
    {
        switch side {
        case .bucket(let path) where path.scheme == .s3:
            return ObjectListing(S3Listing(client: s3!, bucket: path.bucket, prefix: side.folderPrefix))
        case .bucket:
            let listing = try await RemoteListing(client: client!, bucket: buckets[side]!, prefix: side.folderPrefix)
            return ObjectListing(listing)
        case .folder(let root):
            var isFolder: ObjCBool = false
            if side == destination, !FileManager.default.fileExists(atPath: root, isDirectory: &isFolder) {
                // A dry run into a folder that does not exist yet: everything is new.
                return ObjectListing(EmptyListing())
            }
            return ObjectListing(LocalListing(root: root, onTemporary: onTemporary))
        }
    }

    /// Copies one object from the source to the destination, reporting bytes as they move.
    /// - Returns: the version created in B2 when the destination is a bucket on the native API.
    func copy(_ object: SyncObject, progress: @escaping @Sendable (Int64) -> Void) async throws -> B2FileVersion? {
        let meter = DeltaMeter(report: progress)
        let sourceName = source.folderPrefix + object.name
        let destinationName = destination.folderPrefix + object.name
        switch (source, destination) {
        case (.bucket(let path), .folder(let root)) where path.scheme == .s3:
            let target = try localPath(of: object.name, in: root)
            try Self.makeParentFolders(of: target, under: root)
            try await s3!.download(
                bucket: path.bucket, key: sourceName, to: target, expectedSize: object.size,
                modifiedMillis: object.modifiedMillis, pieceSize: s3PieceSize, progress: meter.update)
            return nil
        case (.bucket(let path), .folder(let root)):
            let target = try localPath(of: object.name, in: root)
            try Self.makeParentFolders(of: target, under: root)
            try await client!.download(
                bucketName: path.bucket, name: sourceName, to: target, expectedSize: object.size,
                progress: meter.update
            )
            return nil
        case (.folder(let root), .bucket(let path)) where path.scheme == .s3:
            // No x-amz-meta-src_last_modified_millis: a header name with `_` is dropped or rewritten by common
            // proxies and WSGI servers (moto), which breaks the signature; S3 sides compare by upload time instead.
            try await s3!.uploadFile(
                try localPath(of: object.name, in: root), bucket: path.bucket, key: destinationName,
                partSize: s3PieceSize,
                progress: meter.update
            )
            return nil
        case (.folder(let root), .bucket):
            return try await client!.upload(
                .file(try localPath(of: object.name, in: root)), to: buckets[destination]!, as: destinationName,
                progress: meter.update
            )
        case (.bucket(let from), .bucket(let to)) where to.scheme == .s3:
            try await s3!.copyObject(
                sourceBucket: from.bucket, sourceKey: sourceName, bucket: to.bucket, key: destinationName)
            progress(object.size)
            return nil
        case (.bucket, .bucket):
            guard let version = object.version else { return nil }
            let copy = try await client!.copyFile(version, to: destinationName, in: buckets[destination]!)
            progress(object.size)
            return copy
        case (.folder, .folder):
            preconditionFailure("refused when the sides were resolved")
        }
    }

    /// Deletes one destination object: a local file, or the listed version of a B2 file.
    func delete(_ object: SyncObject) async throws {
        switch destination {
        case .folder(let root):
            let path = try localPath(of: object.name, in: root)
            guard unlink(path) == 0 || errno == ENOENT else {
                throw B2Error(.localFile, "Cannot delete \(path) (errno \(errno)): check the folder's permissions")
            }
        case .bucket(let path) where path.scheme == .s3:
            try await s3!.deleteObject(bucket: path.bucket, key: destination.folderPrefix + object.name)
        case .bucket:
            guard let version = object.version else { return }
            try await client!.deleteFileVersion(version, in: buckets[destination]!)
        }
    }

    /// Creates the folders above `path` (below `root`), refusing when a file stands where a folder must go.
    private static func makeParentFolders(of path: String, under root: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        guard parent != root else { return }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw B2Error(
                .localFile,
                "Cannot create the folder \(parent): a file of that name may be in the way (B2 can hold both NAME "
                    + "and NAME/..., a folder cannot)",
                cause: DescribedError(error)
            )
        }
    }
}

/// Turns a transfer's running total into deltas for a meter shared by all transfers.
private final class DeltaMeter: Sendable {
    private let last = Mutex<Int64>(0)
    private let report: @Sendable (Int64) -> Void

    init(report: @escaping @Sendable (Int64) -> Void) { self.report = report }

    @Sendable func update(_ total: Int64) {
        let delta = last.withLock { last in
            defer { last = total }
            return total - last
        }
        if delta != 0 { report(delta) }
    }
}

/// A listing with nothing in it.
struct EmptyListing: AsyncSequence, Sendable {
    typealias Element = SyncObject
    struct AsyncIterator: AsyncIteratorProtocol {
        mutating func next() async throws -> SyncObject? { nil }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
}
