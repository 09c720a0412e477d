#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Blocking file copies for the thread pool: ranged copies of blobs.
enum FileConcatenation {
    private static let chunkSize = 4 << 20

    static func copy(from source: String, offset: Int64, length: Int64, into destination: String) throws {
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard output >= 0 else { throw B2APIError.internalError("Could not create \(destination) (errno \(errno))") }
        defer { close(output) }
        let pieces = BlobSegments.pieces(of: try BlobSegments.of(source), covering: offset...(offset + length - 1))
        for piece in pieces {
            try append(
                from: piece.path, offset: piece.range.lowerBound,
                length: piece.range.upperBound - piece.range.lowerBound + 1, to: output
            )
        }
        guard fsync(output) == 0 else { throw B2APIError.internalError("fsync failed (errno \(errno))") }
    }

    private static func append(from source: String, offset: Int64, length: Int64?, to output: Int32) throws {
        let input = open(source, O_RDONLY)
        guard input >= 0 else { throw B2APIError.internalError("Could not open \(source) (errno \(errno))") }
        defer { close(input) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var position = off_t(offset)
        var remaining = length ?? Int64.max
        while remaining > 0 {
            let want = Int(min(Int64(chunkSize), remaining))
            let got = buffer.withUnsafeMutableBytes { pread(input, $0.baseAddress, want, position) }
            guard got >= 0 else { throw B2APIError.internalError("Read failed (errno \(errno))") }
            if got == 0 { break }
            var written = 0
            while written < got {
                let n = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, got - written) }
                guard n > 0 else { throw B2APIError.internalError("Write failed (errno \(errno))") }
                written += n
            }
            position += off_t(got)
            remaining -= Int64(got)
        }
    }
}
