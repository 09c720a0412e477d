import NIOCore
import _NIOFileSystem

extension S3Client {
    /// Uploads a local file: one PutObject when it fits in one part, otherwise a multipart upload whose parts go up
    /// in parallel. Memory stays bounded: at most `concurrency` parts are in memory at once. A failed multipart
    /// upload is aborted so its parts do not linger.
    ///
    /// - Parameters:
    ///   - path: The local file.
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - partSize: The part size (S3's minimum is 5 MiB); 16 MiB by default.
    ///   - concurrency: Parts in flight at once.
    ///   - contentType: The content type.
    ///   - progress: Called with the bytes sent so far.
    /// - Returns: The object's ETag, without quotes.
    @discardableResult
    public func uploadFile(
        _ path: String, bucket: String, key: String, partSize: Int64 = 16 << 20, concurrency: Int = 4,
        contentType: String? = nil, progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws -> String? {
        let size = try UploadSource.file(path).describe().size
        let partSize = max(partSize, 5 << 20)
        guard size > partSize else {
            let eTag = try await put(
                .file(path: path, range: 0..<size), bucket: bucket, key: key, contentType: contentType, metadata: [:])
            progress?(size)
            return eTag
        }
        let uploadId = try await createMultipartUpload(bucket: bucket, key: key, contentType: contentType)
        let count = Int((size + partSize - 1) / partSize)
        let meter = ProgressMeter(report: progress)
        do {
            let parts = try await withThrowingTaskGroup(of: S3Part.self) { group in
                var parts: [S3Part] = []
                var next = 0
                func start(_ index: Int) {
                    let range = Int64(index) * partSize..<min(size, Int64(index + 1) * partSize)
                    group.addTask {
                        let bytes = try await Self.read(path, range: range)
                        let part = try await uploadPart(
                            .bytes(bytes), bucket: bucket, key: key, uploadId: uploadId, partNumber: index + 1)
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

    /// Reads a range of a file into one buffer.
    static func read(_ path: String, range: Range<Int64>) async throws -> ByteBuffer {
        do {
            return try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(Int(range.upperBound - range.lowerBound))
                for try await var chunk in handle.readChunks(in: range, chunkLength: .mebibytes(1)) {
                    buffer.writeBuffer(&chunk)
                }
                return buffer
            }
        } catch {
            throw B2Error(.localFile, "Could not read \(path): \(error)", cause: DescribedError(error))
        }
    }
}
