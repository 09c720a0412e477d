import B2Kit

/// One side of a sync, resolved: a local folder (`LocalSide`), a bucket prefix on the native API (`NativeSide`) or
/// on the S3 API (`S3Side`). The engine lists both sides, deletes on the destination and moves objects between them
/// with the `SyncTransfer` the pair allows.
protocol SyncSide: Sendable {
    /// The side as the user wrote it.
    var endpoint: SyncEndpoint { get }

    /// True when the listing carries upload times, not the files' modification times (the S3 API).
    var holdsUploadTimes: Bool { get }

    /// The side's objects, named relative to it, in B2's order.
    /// - Parameter onTemporary: hears each leftover of an unfinished download met on the way (local sides only).
    func listing(onTemporary: @escaping @Sendable (String) -> Void) async throws -> ObjectListing

    /// Deletes one of the side's objects: a file, or the listed version.
    func delete(_ object: SyncObject) async throws

    /// The SHA-1 of one of the side's objects: the store's for a bucket (nil when it knows none); computed (and
    /// cached in `state`) for a local file.
    func sha1(of object: SyncObject, state: SyncState?) async throws -> String?

    /// Why an object of this name may not be written to this side, or nil when it may (only local names can fail).
    func problem(with name: String) -> String?

    /// The local path the catalog records for an object written to this side (nil for a bucket).
    func catalogPath(of name: String) -> String?

    /// Removes the leftovers of unfinished downloads the listing reported.
    /// - Returns: how many were removed.
    func removeTemporaries(_ names: [String]) -> Int
}

/// A bucket side: objects go to and from local files, and between two buckets of the same API by server-side copy.
protocol BucketSide: SyncSide {
    /// Downloads `object` to the local file `path`, reporting the running total of bytes received.
    func download(_ object: SyncObject, to path: String, progress: @escaping @Sendable (Int64) -> Void) async throws

    /// Uploads the local file `path` as `object`, reporting the running total of bytes sent.
    /// - Returns: the version created, on the native API.
    func upload(_ path: String, as object: SyncObject, progress: @escaping @Sendable (Int64) -> Void) async throws
        -> B2FileVersion?

    /// Server-side copy into this side from `source`, when the two go through the same API.
    /// - Throws: `B2Error` `.usage` when they do not.
    func copier(from source: any BucketSide) throws -> @Sendable (SyncObject) async throws -> B2FileVersion?
}

extension BucketSide {
    func problem(with name: String) -> String? { nil }
    func catalogPath(of name: String) -> String? { nil }
    func removeTemporaries(_ names: [String]) -> Int { 0 }
    func sha1(of object: SyncObject, state: SyncState?) async throws -> String? { object.sha1 }

    /// The error for a copy between buckets of two APIs.
    func mixedAPIs(with source: any BucketSide) -> B2Error { SyncSides.mixedAPIs(source.endpoint, endpoint) }
}
