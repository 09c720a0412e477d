import CZlib

/// A streaming gzip compressor through the system's zlib, for writing `.csv.gz` files.
public final class GzipDeflater {
    /// On the heap: zlib keeps a pointer back to the stream and refuses one that moved.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var buffer = [UInt8](repeating: 0, count: 256 << 10)

    /// Starts a compressor writing one gzip member at zlib's default level.
    /// - Throws: ``ParquetError`` when zlib cannot start (out of memory).
    public init() throws {
        stream.initialize(to: z_stream())
        // 15 window bits, +16: a gzip header and trailer rather than zlib's.
        let status = deflateInit2_(
            stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        // On failure deinit still runs: deflateEnd ignores a stream that never started.
        guard status == Z_OK else { throw ParquetError.corrupt("zlib could not start deflating (status \(status))") }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses `input`, handing compressed bytes to `sink` as zlib produces them.
    public func deflate(_ input: [UInt8], into sink: ([UInt8]) throws -> Void) throws {
        try input.withUnsafeBufferPointer { try run($0, flush: Z_NO_FLUSH, into: sink) }
    }

    /// Ends the member (the gzip trailer with its CRC-32 and length) and hands the last bytes to `sink`.
    public func finish(into sink: ([UInt8]) throws -> Void) throws {
        try run(UnsafeBufferPointer(start: nil, count: 0), flush: Z_FINISH, into: sink)
    }

    private func run(_ input: UnsafeBufferPointer<UInt8>, flush: Int32, into sink: ([UInt8]) throws -> Void) throws {
        stream.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0) }
        stream.pointee.avail_in = UInt32(input.count)
        while true {
            let capacity = buffer.count
            let (status, produced) = buffer.withUnsafeMutableBufferPointer { out in
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(capacity)
                let status = CZlib.deflate(stream, flush)
                return (status, capacity - Int(stream.pointee.avail_out))
            }
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw ParquetError.corrupt("zlib could not compress (status \(status))")
            }
            if produced > 0 { try sink(Array(buffer[..<produced])) }
            if flush == Z_FINISH ? status == Z_STREAM_END : stream.pointee.avail_in == 0 && produced < capacity {
                return
            }
        }
    }
}
