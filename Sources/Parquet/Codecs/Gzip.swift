import CZlib

/// GZIP (RFC 1952) decompression through the system's zlib, for Parquet pages and `.csv.gz` files.
public enum Gzip {
    /// Inflates a whole gzip (or zlib) stream whose inflated size is known, as a Parquet page's is.
    /// - Throws: ``ParquetError`` `.corrupt` when the bytes are not a valid stream or inflate to another size.
    static func decompress(_ input: ArraySlice<UInt8>, size: Int) throws -> [UInt8] {
        let inflater = try GzipInflater()
        var output: [UInt8] = []
        output.reserveCapacity(size)
        try input.withUnsafeBufferPointer { bytes in
            try inflater.inflate(bytes) { output.append(contentsOf: $0) }
        }
        guard inflater.finished else { throw ParquetError.corrupt("Corrupt GZIP data: the stream ends early") }
        return output
    }
}

/// A streaming gzip inflater: feed it compressed chunks, receive inflated bytes; concatenated members (as `gzip`
/// writes for appended files) are read one after another.
public final class GzipInflater {
    /// On the heap: zlib keeps a pointer back to the stream and refuses one that moved.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var buffer = [UInt8](repeating: 0, count: 256 << 10)
    /// True once the last member ended exactly at the end of the input so far.
    public private(set) var finished = false

    /// Starts an inflater that accepts gzip and zlib headers.
    /// - Throws: ``ParquetError`` when zlib cannot start (out of memory).
    public init() throws {
        stream.initialize(to: z_stream())
        // 15 window bits, +32: detect a gzip or zlib header by itself.
        let status = inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        // On failure deinit still runs: inflateEnd ignores a stream that never started.
        guard status == Z_OK else { throw ParquetError.corrupt("zlib could not start inflating (status \(status))") }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates one chunk of compressed bytes, handing each inflated run to `sink`.
    /// - Throws: ``ParquetError`` `.corrupt` for data that is not gzip, or damaged.
    public func inflate(
        _ input: UnsafeBufferPointer<UInt8>, into sink: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base)
        stream.pointee.avail_in = UInt32(input.count)
        while stream.pointee.avail_in > 0 {
            if finished {
                // Another member follows the one that ended.
                guard inflateReset(stream) == Z_OK else { throw ParquetError.corrupt("Corrupt GZIP data") }
                finished = false
            }
            let capacity = buffer.count
            let (status, produced) = buffer.withUnsafeMutableBufferPointer { out in
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(capacity)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                return (status, capacity - Int(stream.pointee.avail_out))
            }
            switch status {
            case Z_OK,
                Z_BUF_ERROR where produced > 0:
                break
            case Z_STREAM_END: finished = true
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                throw ParquetError.corrupt("Corrupt GZIP data: \(detail)")
            }
            if produced > 0 {
                try buffer.withUnsafeBufferPointer { try sink(UnsafeBufferPointer(rebasing: $0[..<produced])) }
            }
            if status == Z_BUF_ERROR, produced == 0 { break }
        }
    }
}
