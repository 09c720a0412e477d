import B2SigV4
import Crypto
import NIOCore

extension B2Client {
    /// The largest ranged request when a large file is downloaded in parallel: at B2's recommended part size (100
    /// MB) a piece is at least `largeDownloadSize`, so each reads on a connection of its own.
    static var maximumDownloadPieceSize: Int64 { 64 << 20 }

    /// The most of a downloaded file mapped at once to hash it.
    static var hashWindow: Int64 { 16 << 20 }

    /// The most the first stream of a download to a file carries before its speed decides whether it carries the
    /// rest alone.
    static var probeSize: Int64 { 32 << 20 }

    /// A first stream at least this fast (bytes per second) carries a whole file alone: more connections would
    /// only share its bandwidth and the machine's cores, as with a server on the same machine or network. Over
    /// the internet a stream is slower, and a file comes in parallel pieces.
    public static var singleStreamRate: Double { 300_000_000 }

    /// Downloads a whole file into `writer`, each byte written at its offset as it arrives, and computes the file's
    /// SHA-1 over the written front of the file, in order, mapped from the page cache.
    ///
    /// One stream starts on the whole file. Once it has carried `probeSize` (or a piece, if smaller), its speed
    /// decides: at `singleStreamRate` or faster it carries the rest; slower, it stops at the next piece boundary and
    /// the rest comes as ranged pieces of `pieceSize`, at most `concurrency` streams at once, none starting more
    /// than `2 × concurrency` pieces past the written front. No piece waits in memory for an earlier one, and
    /// memory stays at the receive buffers whatever the size of the file.
    /// - Returns: the SHA-1 of the whole file, in hex.
    func downloadPieces(
        bucketName: String,
        name: String,
        length: Int64,
        pieceSize: Int64,
        concurrency: Int,
        singleStreamRate: Double,
        into writer: DirectFileWriter,
        progress: (@Sendable (Int64) -> Void)?
    ) async throws -> String {
        guard length > 0 else { return Hex.string(Insecure.SHA1().finalize()) }
        let schedule = PieceSchedule.Shared(PieceSchedule(length: length, pieceSize: pieceSize))
        let meter = ProgressMeter(report: progress)
        let lead = Int64(2 * concurrency) * pieceSize
        // Each write signals the hashing task that the front may have moved; the first stream says once whether
        // it was cut.
        let (written, wrote) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let (decision, decided) = AsyncStream.makeStream(of: Bool.self, bufferingPolicy: .bufferingNewest(1))
        let probe = min(Self.probeSize, pieceSize, length)

        /// The first stream: the whole file, until it is cut.
        @Sendable func fetchFirst() async throws {
            defer { decided.finish() }
            let started = ContinuousClock.now
            var undecided = true
            try await fetch(range: 0..<length) { chunk in
                var (offset, take) = schedule.withLock {
                    ($0.firstWritten, min($0.firstRemaining, Int64(chunk.readableBytes)))
                }
                var rest = chunk
                guard let slice = rest.readSlice(length: Int(take)) else { return false }
                try writer.write(slice, at: offset)
                offset += take
                var cut: Bool?
                if undecided, offset >= probe {
                    undecided = false
                    let rate = Double(offset) / max(started.duration(to: .now) / .seconds(1), 1e-9)
                    let slow = rate < singleStreamRate
                    logger.debug(
                        "Large download",
                        metadata: ["b2.file": "\(name)", "b2.rate": "\(Int(rate))", "b2.pieces": "\(slow)"]
                    )
                    cut = slow
                }
                let remaining = schedule.withLock {
                    $0.recordFirst(take)
                    if cut == true { $0.cut() }
                    return $0.firstRemaining
                }
                meter.add(take)
                wrote.yield()
                if let cut { decided.yield(cut) }
                return remaining > 0
            }
        }

        /// Piece `index`, on a stream of its own.
        @Sendable func fetchPiece(_ index: Int) async throws {
            let range = schedule.withLock { $0.range(ofPiece: index) }
            var position = range.lowerBound
            try await fetch(range: range) { chunk in
                try writer.write(chunk, at: position)
                position += Int64(chunk.readableBytes)
                meter.add(Int64(chunk.readableBytes))
                return true
            }
            schedule.withLock { $0.recordPiece(index) }
            wrote.yield()
        }

        /// Streams `range` into `sink` until it ends or `sink` answers false.
        @Sendable func fetch(range: Range<Int64>, _ sink: (ByteBuffer) throws -> Bool) async throws {
            do {
                try await download(bucketName: bucketName, name: name, range: range.lowerBound...(range.upperBound - 1))
                { chunk in
                    guard try sink(chunk) else { throw StreamCut() }
                }
            } catch is StreamCut {}
        }

        /// Hashes the front of the file as it moves; returns the digest once the whole file is hashed.
        @Sendable func hash() async throws -> String {
            var hasher = Insecure.SHA1()
            var hashed: Int64 = 0
            for await _ in written {
                let front = schedule.withLock { $0.front }
                // Through mappings of at most `hashWindow` bytes, so that no more of the file is mapped at once.
                while hashed < front, front - hashed >= Self.hashWindow || front == length {
                    let count = Int(min(front - hashed, Self.hashWindow))
                    try writer.withWrittenBytes(at: hashed, count: count) { hasher.update(bufferPointer: $0) }
                    hashed += Int64(count)
                }
                if hashed == length { return Hex.string(hasher.finalize()) }
            }
            // Cancelled: a stream failed, and its error is the one the download throws.
            throw CancellationError()
        }

        return try await withThrowingTaskGroup(of: String?.self) { group in
            defer { wrote.finish() }
            group.addTask {
                try await fetchFirst()
                return nil
            }
            group.addTask { try await hash() }
            var cut = false
            for await answer in decision {
                cut = answer
                break
            }
            var running = 1
            while true {
                while cut, running < concurrency, let index = schedule.withLock({ $0.takePiece(within: lead) }) {
                    running += 1
                    group.addTask {
                        try await fetchPiece(index)
                        return nil
                    }
                }
                // The first error of a stream ends the download (and cancels the others).
                guard let finished = try await group.next() else { throw CancellationError() }
                if let digest = finished { return digest }
                running -= 1
            }
        }
    }
}

/// Thrown by a stream's receiver to stop the stream where its bytes end.
private struct StreamCut: Error {}
