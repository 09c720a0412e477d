import B2Kit
import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Downloads an object through the S3-compatible API into a local file: into a temporary file beside it
/// (`.NAME.b2kit-UUID`, which a later sync recognises and removes), large objects as parallel ranged GETs, checked
/// for length, given the object's time and renamed into place.
///
/// B2's S3 API sends no SHA-1, so the bytes are checked for their count only; `getObject` pins a resumed range to
/// the object's ETag, so a range never mixes two versions.
struct S3FileDownload {
    let client: S3Client
    let bucket: String
    let key: String
    let size: Int64
    let modifiedMillis: Int64
    /// Bytes per ranged GET; objects of at least two pieces go in ranges.
    var pieceSize: Int64 = 32 << 20
    /// Ranges in flight at once.
    var concurrency = 4

    /// Writes the object to `path`.
    func run(to path: String, progress: @escaping @Sendable (Int64) -> Void) async throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = folder + "/." + (path as NSString).lastPathComponent + ".b2kit-" + UUID().uuidString
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw B2Error(.localFile, "Cannot create \(temporary) (errno \(errno)): check the folder's permissions")
        }
        do {
            defer { close(descriptor) }
            let received = ByteCounter()
            let file = PositionalFile(descriptor: descriptor, path: temporary)
            if size >= 2 * pieceSize, concurrency > 1 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var next: Int64 = 0
                    var running = 0
                    while next < size {
                        if running == concurrency {
                            _ = try await group.next()
                            running -= 1
                        }
                        let range = next...min(size, next + pieceSize) - 1
                        group.addTask { try await fetch(range, into: file, received: received, progress: progress) }
                        running += 1
                        next = range.upperBound + 1
                    }
                    try await group.waitForAll()
                }
            } else {
                try await fetch(nil, into: file, received: received, progress: progress)
            }
            let length = received.add(0)
            guard length == size else {
                throw B2Error(
                    .integrity,
                    "s3://\(bucket)/\(key) was listed with \(size) bytes but \(length) arrived: it may have changed "
                        + "during the sync; run the sync again",
                    context: .init(bucket: bucket, key: key))
            }
            guard fsync(descriptor) == 0 else {
                throw B2Error(.localFile, "Cannot flush \(temporary) (errno \(errno)): check the disk")
            }
            let seconds = modifiedMillis >= 0 ? modifiedMillis / 1000 : (modifiedMillis - 999) / 1000
            let time = timespec(tv_sec: Int(seconds), tv_nsec: Int((modifiedMillis - seconds * 1000) * 1_000_000))
            _ = utimensat(AT_FDCWD, temporary, [time, time], 0)
            guard rename(temporary, path) == 0 else {
                throw B2Error(.localFile, "Cannot write \(path) (errno \(errno)): check the folder's permissions")
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Streams one range (the whole object when nil) into the file at its offset.
    private func fetch(
        _ range: ClosedRange<Int64>?, into file: PositionalFile, received: ByteCounter,
        progress: @escaping @Sendable (Int64) -> Void
    ) async throws {
        var offset = range?.lowerBound ?? 0
        try await client.getObject(bucket: bucket, key: key, range: range) { chunk in
            try file.write(chunk, at: offset)
            offset += Int64(chunk.readableBytes)
            progress(received.add(Int64(chunk.readableBytes)))
        }
    }
}

/// A file descriptor written at offsets with `pwrite(2)`, shared by the ranges of one download.
private struct PositionalFile: Sendable {
    let descriptor: Int32
    let path: String

    func write(_ chunk: ByteBuffer, at offset: Int64) throws {
        var written = 0
        let count = chunk.readableBytes
        try chunk.withUnsafeReadableBytes { bytes in
            while written < count {
                let result = pwrite(
                    descriptor, bytes.baseAddress! + written, count - written, off_t(offset) + off_t(written))
                if result < 0 {
                    if errno == EINTR { continue }
                    throw B2Error(.localFile, "Cannot write \(path) (errno \(errno)): check the free space")
                }
                written += result
            }
        }
    }
}
