import B2Kit

/// A prefix of a bucket on the S3-compatible API, whose listings carry upload times and no SHA-1.
struct S3Side: BucketSide {
    let endpoint: SyncEndpoint
    let s3: S3Client
    let bucket: String
    /// Bytes per multipart part and per ranged GET.
    let pieceSize: Int64

    var holdsUploadTimes: Bool { true }

    func listing(onTemporary: @escaping @Sendable (String) -> Void) async throws -> ObjectListing {
        ObjectListing(S3Listing(client: s3, bucket: bucket, prefix: endpoint.folderPrefix))
    }

    func delete(_ object: SyncObject) async throws {
        try await s3.deleteObject(bucket: bucket, key: endpoint.folderPrefix + object.name)
    }

    func download(_ object: SyncObject, to path: String, progress: @escaping @Sendable (Int64) -> Void) async throws {
        try await s3.download(
            bucket: bucket, key: endpoint.folderPrefix + object.name, to: path, expectedSize: object.size,
            modifiedMillis: object.modifiedMillis, pieceSize: pieceSize, progress: progress)
    }

    func upload(_ path: String, as object: SyncObject, progress: @escaping @Sendable (Int64) -> Void) async throws
        -> B2FileVersion?
    {
        // No x-amz-meta-src_last_modified_millis: a header name with `_` is dropped or rewritten by common proxies
        // and WSGI servers (moto), which breaks the signature; S3 sides compare by upload time instead.
        try await s3.uploadFile(
            path, bucket: bucket, key: endpoint.folderPrefix + object.name, partSize: pieceSize, progress: progress)
        return nil
    }

    func copier(from source: any BucketSide) throws -> @Sendable (SyncObject) async throws -> B2FileVersion? {
        guard let source = source as? S3Side else { throw mixedAPIs(with: source) }
        return { [s3, bucket, endpoint] object in
            try await s3.copyObject(
                sourceBucket: source.bucket, sourceKey: source.endpoint.folderPrefix + object.name, bucket: bucket,
                key: endpoint.folderPrefix + object.name)
            return nil
        }
    }
}
