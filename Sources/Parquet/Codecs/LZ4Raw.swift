/// LZ4 block ("raw", no frame) decompression through the system's liblz4 (`liblz4.so.1`, found at run time).
enum LZ4Raw {
    private typealias DecompressSafe =
        @convention(c) (
            UnsafePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int32, Int32
        ) -> Int32

    private static let decompressSafe = Result {
        let library = try SystemCodecLibrary(["liblz4.so.1", "liblz4.so"], codec: "LZ4_RAW", package: "liblz4-1")
        return try library.function("LZ4_decompress_safe", as: DecompressSafe.self)
    }

    /// Decompresses one block whose size is known, as a Parquet page's is.
    static func decompress(_ input: ArraySlice<UInt8>, size: Int) throws -> [UInt8] {
        let decompress = try decompressSafe.get()
        guard input.count <= Int32.max, size <= Int32.max else {
            throw ParquetError.corrupt("An LZ4_RAW page of \(input.count) bytes is larger than LZ4 allows")
        }
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { bytes in
                decompress(
                    bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
                    out.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Int32(size))
            }
        }
        guard written == size else {
            throw ParquetError.corrupt(
                written < 0
                    ? "Corrupt LZ4_RAW data" : "Corrupt LZ4_RAW data: \(written) bytes where \(size) were promised")
        }
        return output
    }
}
