/// ZSTD decompression through the system's libzstd (`libzstd.so.1`, found at run time).
enum Zstd {
    private typealias Decompress =
        @convention(c) (
            UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int
        ) -> Int
    private typealias IsError = @convention(c) (Int) -> UInt32
    private typealias ErrorName = @convention(c) (Int) -> UnsafePointer<CChar>?

    private struct Functions: Sendable {
        let decompress: Decompress
        let isError: IsError
        let errorName: ErrorName
    }

    private static let functions = Result {
        let library = try SystemCodecLibrary(["libzstd.so.1", "libzstd.so"], codec: "ZSTD", package: "libzstd1")
        return Functions(
            decompress: try library.function("ZSTD_decompress", as: Decompress.self),
            isError: try library.function("ZSTD_isError", as: IsError.self),
            errorName: try library.function("ZSTD_getErrorName", as: ErrorName.self))
    }

    /// Decompresses one frame (or several) whose total size is known, as a Parquet page's is.
    static func decompress(_ input: ArraySlice<UInt8>, size: Int) throws -> [UInt8] {
        let zstd = try functions.get()
        var output = [UInt8](repeating: 0, count: size)
        let result = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { zstd.decompress(out.baseAddress, size, $0.baseAddress, $0.count) }
        }
        if zstd.isError(result) != 0 {
            let name = zstd.errorName(result).map { String(cString: $0) } ?? "error \(result)"
            throw ParquetError.corrupt("Corrupt ZSTD data: \(name)")
        }
        guard result == size else {
            throw ParquetError.corrupt("Corrupt ZSTD data: \(result) bytes where \(size) were promised")
        }
        return output
    }
}
