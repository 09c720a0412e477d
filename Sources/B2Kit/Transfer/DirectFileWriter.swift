import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Writes chunks at file offsets with `pwrite(2)` on the calling thread, and maps written ranges back.
///
/// The bytes were just received, so they are still in this core's cache; copying them into the page cache from
/// here costs about half the system time of batching them for NIO's thread pool (measured on a 1 GiB download, see
/// Benchmarks/BENCHMARKS.md). A write to the page cache returns in microseconds unless the kernel is throttling
/// dirty pages, so the calling thread is held only briefly. Several tasks may write disjoint ranges at once.
final class DirectFileWriter: Sendable {
    private let descriptor: Int32
    let path: String

    /// Creates `path`, which must not exist yet.
    init(creating path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw B2Error(.localFile, "Cannot create \(path) (errno \(errno)): check the folder's permissions")
        }
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Writes all of `chunk` at `offset`.
    func write(_ chunk: ByteBuffer, at offset: Int64) throws {
        try chunk.withUnsafeReadableBytes { bytes in
            var done = 0
            while done < bytes.count {
                let written = pwrite(
                    descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw B2Error(.localFile, "Cannot write \(path) (errno \(errno)): is the disk full?")
                }
                done += written
            }
        }
    }

    /// Calls `body` with the `count` bytes written at `offset`, mapped from the page cache without a copy.
    func withWrittenBytes<Result>(
        at offset: Int64, count: Int, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result {
        guard count > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        // A mapping starts on a page boundary.
        let skip = Int(offset % Int64(Self.pageSize))
        guard
            let mapping = mmap(
                nil, skip + count, PROT_READ, MAP_SHARED | MAP_POPULATE, descriptor, off_t(offset) - off_t(skip)),
            mapping != MAP_FAILED
        else {
            throw B2Error(.localFile, "Cannot read back \(path) at byte \(offset) (errno \(errno))")
        }
        defer { munmap(mapping, skip + count) }
        return try body(UnsafeRawBufferPointer(start: mapping + skip, count: count))
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Flushes the file to disk, so a rename that follows never exposes a file missing its bytes after a crash.
    func synchronize() throws {
        guard fsync(descriptor) == 0 else {
            throw B2Error(.localFile, "Cannot flush \(path) to disk (errno \(errno))")
        }
    }
}
