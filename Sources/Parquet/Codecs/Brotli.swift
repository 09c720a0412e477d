/// Brotli decompression through the system's libbrotlidec (`libbrotlidec.so.1`, found at run time).
enum Brotli {
    private typealias Decompress =
        @convention(c) (
            Int, UnsafePointer<UInt8>?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<UInt8>?
        ) -> Int32

    private static let decompressFunction = Result {
        let library = try SystemCodecLibrary(
            ["libbrotlidec.so.1", "libbrotlidec.so"], codec: "BROTLI", package: "libbrotli1")
        return try library.function("BrotliDecoderDecompress", as: Decompress.self)
    }

    /// Decompresses a stream whose size is known, as a Parquet page's is.
    static func decompress(_ input: ArraySlice<UInt8>, size: Int) throws -> [UInt8] {
        let decompress = try decompressFunction.get()
        var output = [UInt8](repeating: 0, count: max(size, 1))
        var written = size
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { decompress($0.count, $0.baseAddress, &written, out.baseAddress) }
        }
        // BROTLI_DECODER_RESULT_SUCCESS is 1.
        guard status == 1, written == size else {
            throw ParquetError.corrupt("Corrupt BROTLI data (status \(status), \(written) of \(size) bytes)")
        }
        output.removeLast(output.count - size)
        return output
    }
}
