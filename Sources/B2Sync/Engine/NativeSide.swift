import B2Kit

/// A prefix of a bucket on B2's native API.
struct NativeSide: BucketSide {
    let endpoint: SyncEndpoint
    let client: B2Client
    let bucket: B2Bucket
    /// As a source, the SSE-C key its objects are read with; as a destination, how what is written is encrypted.
    let encryption: B2Encryption?

    /// Looks the bucket up.
    init(_ endpoint: SyncEndpoint, path: B2Path, client: B2Client, encryption: B2Encryption? = nil) async throws {
        self.endpoint = endpoint
        self.client = client
        self.encryption = encryption
        bucket = try await client.bucket(named: path.bucket)
    }

    var holdsUploadTimes: Bool { false }

    func listing(onTemporary: @escaping @Sendable (String) -> Void) async throws -> ObjectListing {
        ObjectListing(try await RemoteListing(client: client, bucket: bucket, prefix: endpoint.folderPrefix))
    }

    func delete(_ object: SyncObject) async throws {
        guard let version = object.version else { return }
        try await client.deleteFileVersion(version, in: bucket)
    }

    func download(_ object: SyncObject, to path: String, progress: @escaping @Sendable (Int64) -> Void) async throws {
        try await client.download(
            bucketName: bucket.bucketName, name: endpoint.folderPrefix + object.name, to: path,
            expectedSize: object.size, encryption: encryption, progress: progress)
    }

    func upload(_ path: String, as object: SyncObject, progress: @escaping @Sendable (Int64) -> Void) async throws
        -> B2FileVersion?
    {
        try await client.upload(
            .file(path), to: bucket, as: endpoint.folderPrefix + object.name,
            options: B2FileOptions(encryption: encryption), progress: progress)
    }

    func copier(from source: any BucketSide) throws -> @Sendable (SyncObject) async throws -> B2FileVersion? {
        guard let source = source as? NativeSide else { throw mixedAPIs(with: source) }
        return { [client, bucket, endpoint, encryption] object in
            guard let version = object.version else { return nil }
            return try await client.copyFile(
                version, to: endpoint.folderPrefix + object.name, in: bucket, sourceEncryption: source.encryption,
                destinationEncryption: encryption)
        }
    }
}
