import B2Kit

/// How objects move from one side of a sync to the other, chosen once for the pair: a bucket's objects downloaded
/// into a folder, a folder's files uploaded to a bucket, or server-side copies between buckets of one API.
enum SyncTransfer: Sendable {
    case download(any BucketSide, into: LocalSide)
    case upload(LocalSide, into: any BucketSide)
    case serverSide(@Sendable (SyncObject) async throws -> B2FileVersion?)

    /// The transfer between `source` and `destination`.
    /// - Throws: `B2Error` `.usage` for two folders, or two buckets through two APIs.
    init(from source: any SyncSide, to destination: any SyncSide) throws {
        switch (source, destination) {
        case (let bucket as any BucketSide, let folder as LocalSide):
            self = .download(bucket, into: folder)
        case (let folder as LocalSide, let bucket as any BucketSide):
            self = .upload(folder, into: bucket)
        case (let from as any BucketSide, let to as any BucketSide):
            self = .serverSide(try to.copier(from: from))
        default:
            throw SyncSides.bothFolders
        }
    }

    /// Moves one object, reporting its running total of bytes.
    /// - Returns: the version created in B2 when the destination is a bucket on the native API.
    func move(_ object: SyncObject, progress: @escaping @Sendable (Int64) -> Void) async throws -> B2FileVersion? {
        switch self {
        case .download(let bucket, let folder):
            try await bucket.download(object, to: try folder.prepare(object.name), progress: progress)
            return nil
        case .upload(let folder, let bucket):
            return try await bucket.upload(try folder.path(of: object.name), as: object, progress: progress)
        case .serverSide(let copy):
            let version = try await copy(object)
            progress(object.size)
            return version
        }
    }
}
