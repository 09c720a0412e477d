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

    /// The deprecated LZ4 codec (5): Hadoop's framing (per frame, big-endian decompressed and compressed sizes, then
    /// an LZ4 block), or, from writers that never framed it, one raw block; tried in that order, as Arrow does.
    static func decompressLegacy(_ input: ArraySlice<UInt8>, size: Int) throws -> [UInt8] {
        if let framed = try? hadoopFrames(input, size: size) { return framed }
        return try decompress(input, size: size)
    }

    private static func hadoopFrames(_ input: ArraySlice<UInt8>, size: Int) throws -> [UInt8] {
        func bigEndian(_ at: Int) -> Int {
            input[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        var output: [UInt8] = []
        output.reserveCapacity(size)
        var index = input.startIndex
        while index < input.endIndex {
            guard input.endIndex - index >= 8 else { throw ParquetError.corrupt("Not Hadoop-framed LZ4") }
            let expanded = bigEndian(index)
            let compressed = bigEndian(index + 4)
            index += 8
            guard compressed <= input.endIndex - index, expanded <= size - output.count else {
                throw ParquetError.corrupt("Not Hadoop-framed LZ4")
            }
            output += try decompress(input[index..<index + compressed], size: expanded)
            index += compressed
        }
        guard output.count == size else { throw ParquetError.corrupt("Not Hadoop-framed LZ4") }
        return output
    }
}
