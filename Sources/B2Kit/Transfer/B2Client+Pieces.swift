import Crypto
import NIOCore

extension B2Client {
    /// The largest ranged request when a large file is downloaded in parallel: at B2's recommended part size (100
    /// MB) a piece is at least `largeDownloadSize`, so each reads on a connection of its own.
    static var maximumDownloadPieceSize: Int64 { 64 << 20 }

    /// The most of a downloaded file mapped at once to hash it.
    static var hashWindow: Int64 { 16 << 20 }

    /// Downloads a whole file as parallel ranged pieces, each written at its offset as its bytes arrive, and
    /// computes the file's SHA-1 over the written front of the file, in order, mapped from the page cache.
    ///
    /// No piece waits in memory for an earlier one, so a slow piece holds up neither the others nor the writes,
    /// and memory stays at the receive buffers whatever the size of the file. At most `concurrency` pieces are in
    /// flight, and none starts more than `2 × concurrency` pieces past the hashed front.
    /// - Returns: the SHA-1 of the whole file, in hex.
    func downloadPieces(
        bucketName: String,
        name: String,
        length: Int64,
        pieceSize: Int64,
        concurrency: Int,
        into writer: DirectFileWriter,
        progress: (@Sendable (Int64) -> Void)?
    ) async throws -> String {
        let count = Int((length + pieceSize - 1) / pieceSize)
        let meter = ProgressMeter(report: progress)
        let window = 2 * concurrency
        return try await withThrowingTaskGroup(of: Int.self) { group in
            var launched = 0
            func launch() {
                let index = launched
                launched += 1
                let lower = Int64(index) * pieceSize
                let upper = min(length, lower + pieceSize) - 1
                group.addTask {
                    var position = lower
                    try await download(bucketName: bucketName, name: name, range: lower...upper) { chunk in
                        try writer.write(chunk, at: position)
                        position += Int64(chunk.readableBytes)
                        meter.add(Int64(chunk.readableBytes))
                    }
                    return index
                }
            }
            while launched < min(concurrency, count) { launch() }
            var hasher = Insecure.SHA1()
            var written = Set<Int>()
            var hashed = 0
            var arrived = 0
            while hashed < count, let index = try await group.next() {
                arrived += 1
                written.insert(index)
                while written.remove(hashed) != nil {
                    // Read back through mappings of at most `hashWindow` bytes, so a large piece never has all
                    // of its pages mapped into the process at once.
                    var lower = Int64(hashed) * pieceSize
                    let upper = min(length, lower + pieceSize)
                    while lower < upper {
                        let count = Int(min(upper - lower, Self.hashWindow))
                        try writer.withWrittenBytes(at: lower, count: count) { hasher.update(bufferPointer: $0) }
                        lower += Int64(count)
                    }
                    hashed += 1
                }
                while launched < count, launched - hashed < window, launched - arrived < concurrency { launch() }
            }
            return Hex.string(hasher.finalize())
        }
    }
}
