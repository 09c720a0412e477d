import NIOCore

extension S3Client {
    /// Uploads a local file: one PutObject when it fits in one part, otherwise a multipart upload whose parts go up
    /// in parallel. Each part streams from disk (re-read on retry, sent as `UNSIGNED-PAYLOAD`), so memory does not
    /// grow with the part size or the number of parts in flight. A failed multipart upload is aborted so its parts
    /// do not linger.
    ///
    /// - Parameters:
    ///   - path: The local file.
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - partSize: The part size (S3's minimum is 5 MiB); 16 MiB by default.
    ///   - concurrency: Parts in flight at once.
    ///   - contentType: The content type.
    ///   - metadata: User metadata, sent as `x-amz-meta-*`.
    ///   - progress: Called with the bytes sent so far.
    /// - Returns: The object's ETag, without quotes.
    @discardableResult
    public func uploadFile(
        _ path: String, bucket: String, key: String, partSize: Int64 = 16 << 20, concurrency: Int = 4,
        contentType: String? = nil, metadata: [String: String] = [:], progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws -> String? {
        let size = try UploadSource.file(path).describe().size
        let partSize = max(partSize, 5 << 20)
        guard size > partSize else {
            let eTag = try await put(
                .file(path: path, range: 0..<size), bucket: bucket, key: key, contentType: contentType,
                metadata: metadata)
            progress?(size)
            return eTag
        }
        let uploadId = try await createMultipartUpload(
            bucket: bucket, key: key, contentType: contentType, metadata: metadata)
        let count = Int((size + partSize - 1) / partSize)
        let meter = ProgressMeter(report: progress)
        do {
            let parts = try await withThrowingTaskGroup(of: S3Part.self) { group in
                var parts: [S3Part] = []
                var next = 0
                func start(_ index: Int) {
                    let range = Int64(index) * partSize..<min(size, Int64(index + 1) * partSize)
                    group.addTask {
                        let part = try await uploadPart(
                            .file(path: path, range: range), bucket: bucket, key: key, uploadId: uploadId,
                            partNumber: index + 1)
                        meter.add(range.upperBound - range.lowerBound)
                        return part
                    }
                }
                while next < min(concurrency, count) {
                    start(next)
                    next += 1
                }
                while let part = try await group.next() {
                    parts.append(part)
                    if next < count {
                        start(next)
                        next += 1
                    }
                }
                return parts
            }
            return try await completeMultipartUpload(bucket: bucket, key: key, uploadId: uploadId, parts: parts)
        } catch {
            try? await abortMultipartUpload(bucket: bucket, key: key, uploadId: uploadId)
            throw error
        }
    }
}
