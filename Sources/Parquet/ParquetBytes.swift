#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Darwin
#endif

/// The bytes of a Parquet file, read-only: an array, or a file mapped into memory (its pages come straight from
/// the page cache, with no copy and no fresh memory to fill).
final class ParquetBytes: @unchecked Sendable {
    // Immutable once created; the mapping lives as long as the object.
    private let array: [UInt8]?
    private let mapping: UnsafeMutableRawPointer?
    let count: Int

    init(_ bytes: [UInt8]) {
        array = bytes
        mapping = nil
        count = bytes.count
    }

    /// Maps the file at `path`.
    /// - Throws: `ParquetError` `.unreadable` when it cannot be opened, is not a regular file, or cannot be mapped.
    init(mappingFileAt path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ParquetError(.unreadable, "Cannot read \(path): check that it exists and is readable")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw ParquetError(.unreadable, "Cannot read \(path): it is not a regular file")
        }
        count = Int(status.st_size)
        array = count == 0 ? [] : nil
        guard count > 0 else {
            mapping = nil
            return
        }
        #if os(Linux)
            let flags = MAP_PRIVATE | MAP_POPULATE
        #else
            let flags = MAP_PRIVATE
        #endif
        let mapped = mmap(nil, count, PROT_READ, flags, descriptor, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw ParquetError(.unreadable, "Cannot map \(path) into memory (errno \(errno))")
        }
        mapping = mapped
    }

    deinit {
        if let mapping { munmap(mapping, count) }
    }

    /// Calls `body` with the bytes, valid only inside it.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let array { return try array.withUnsafeBufferPointer(body) }
        return try body(UnsafeBufferPointer(start: mapping!.assumingMemoryBound(to: UInt8.self), count: count))
    }
}
