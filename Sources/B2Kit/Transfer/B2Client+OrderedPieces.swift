import Crypto
import NIOCore

extension B2Client {
    /// The largest ranged request when a large file is downloaded in parallel.
    static var maximumDownloadPieceSize: Int64 { 16 << 20 }

    /// Downloads a whole file as parallel ranged pieces and hands their chunks to `consume` in file order, hashing
    /// each piece in a child task while it is written, so the file is written front to back and never read again
    /// to check its SHA-1.
    ///
    /// At most `concurrency` pieces are in flight and at most two more wait for an earlier one, so memory stays
    /// under `(concurrency + 2) × pieceSize` whatever the size of the file.
    /// - Returns: the SHA-1 of the whole file, in hex.
    func downloadPiecesInOrder(
        bucketName: String,
        name: String,
        length: Int64,
        pieceSize: Int64,
        concurrency: Int,
        progress: (@Sendable (Int64) -> Void)?,
        consume: (ByteBuffer) throws -> Void
    ) async throws -> String {
        let count = Int((length + pieceSize - 1) / pieceSize)
        let meter = ProgressMeter(report: progress)
        let window = concurrency + 2
        return try await withThrowingTaskGroup(of: (Int, [ByteBuffer]).self) { group in
            var launched = 0
            func launch() {
                let index = launched
                launched += 1
                let lower = Int64(index) * pieceSize
                let upper = min(length, lower + pieceSize) - 1
                group.addTask {
                    var chunks: [ByteBuffer] = []
                    try await download(bucketName: bucketName, name: name, range: lower...upper) { chunk in
                        chunks.append(chunk)
                        meter.add(Int64(chunk.readableBytes))
                    }
                    return (index, chunks)
                }
            }
            while launched < min(concurrency, count) { launch() }
            var hasher = Insecure.SHA1()
            var waiting: [Int: [ByteBuffer]] = [:]
            var next = 0
            var arrived = 0
            while next < count, let (index, chunks) = try await group.next() {
                arrived += 1
                waiting[index] = chunks
                while let piece = waiting.removeValue(forKey: next) {
                    // Hash on another thread while this one writes: one core doing both was the limit.
                    let before = hasher
                    async let after = Self.hashing(piece, into: before)
                    for chunk in piece { try consume(chunk) }
                    hasher = await after
                    next += 1
                }
                while launched < count, launched - next < window, launched - arrived < concurrency { launch() }
            }
            return Hex.string(hasher.finalize())
        }
    }

    /// `hasher` updated with the bytes of `piece`.
    private static func hashing(_ piece: [ByteBuffer], into hasher: Insecure.SHA1) async -> Insecure.SHA1 {
        var hasher = hasher
        for chunk in piece { chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) } }
        return hasher
    }
}
