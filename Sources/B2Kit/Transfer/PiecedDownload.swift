import Logging
import NIOCore

/// A large object downloaded into a file, each byte written at its offset as it arrives, with its digest computed
/// over the written front of the file, in order, mapped from the page cache.
///
/// One stream starts on the whole object. Once it has carried `probeSize` (or a piece, if smaller), its speed decides:
/// at `singleStreamRate` or faster it carries the rest; slower, it stops at the next piece boundary and the rest comes
/// as ranged pieces of `pieceSize`, at most `concurrency` streams at once, none starting more than `2 × concurrency`
/// pieces past the written front. No piece waits in memory for an earlier one, and memory stays at the receive
/// buffers whatever the size of the object.
final class PiecedDownload<Source: DownloadSource>: Sendable {
    /// The most the first stream carries before its speed decides whether it carries the rest alone.
    static var probeSize: Int64 { 32 << 20 }

    /// The most of the file mapped at once to hash it.
    static var hashWindow: Int64 { 16 << 20 }

    let source: Source
    let length: Int64
    let concurrency: Int
    let singleStreamRate: Double
    let writer: DirectFileWriter
    /// What the written bytes must hash to; nil when the store holds no digest.
    let digest: ObjectDigest?
    let logger: Logger
    private let schedule: PieceSchedule.Shared
    private let meter: ProgressMeter
    /// Signals the hashing task that the written front may have moved.
    private let wrote: AsyncStream<Void>.Continuation
    private let written: AsyncStream<Void>

    init(
        source: Source, length: Int64, pieceSize: Int64, concurrency: Int, singleStreamRate: Double,
        writer: DirectFileWriter, digest: ObjectDigest?, logger: Logger, progress: (@Sendable (Int64) -> Void)?
    ) {
        self.source = source
        self.length = length
        self.concurrency = max(concurrency, 1)
        self.singleStreamRate = singleStreamRate
        self.writer = writer
        self.digest = digest
        self.logger = logger
        schedule = PieceSchedule.Shared(PieceSchedule(length: length, pieceSize: pieceSize))
        meter = ProgressMeter(report: progress)
        (written, wrote) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Downloads the whole object and checks it against `digest`.
    func run() async throws {
        guard length > 0 else { return try check(digest?.makeHasher()) }
        let (decision, decided) = AsyncStream.makeStream(of: Bool.self, bufferingPolicy: .bufferingNewest(1))
        let lead = Int64(2 * concurrency) * schedule.withLock { $0.pieceSize }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            defer { wrote.finish() }
            group.addTask {
                try await self.fetchFirst(deciding: decided)
                return false
            }
            group.addTask {
                try await self.hashFront()
                return true
            }
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
                        try await self.fetchPiece(index)
                        return false
                    }
                }
                // The first error of a stream ends the download (and cancels the others).
                guard let finished = try await group.next() else { throw CancellationError() }
                if finished { return }
                running -= 1
            }
        }
    }

    /// The first stream: the whole object, until it is cut. Says once, on `decided`, whether it was.
    private func fetchFirst(deciding decided: AsyncStream<Bool>.Continuation) async throws {
        defer { decided.finish() }
        let started = ContinuousClock.now
        let probe = min(Self.probeSize, schedule.withLock { $0.pieceSize }, length)
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
                    metadata: ["b2.file": "\(source.address)", "b2.rate": "\(Int(rate))", "b2.pieces": "\(slow)"])
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
    private func fetchPiece(_ index: Int) async throws {
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
    private func fetch(range: Range<Int64>, _ sink: (ByteBuffer) throws -> Bool) async throws {
        do {
            _ = try await source.read(range: range.lowerBound...(range.upperBound - 1), expectedSize: length) {
                chunk in
                guard try sink(chunk) else { throw StreamCut() }
            }
        } catch is StreamCut {}
    }

    /// Hashes the front of the file as it moves; returns once the whole file is written (and hashed, when there is
    /// a digest to check).
    private func hashFront() async throws {
        var hasher = digest?.makeHasher()
        var hashed: Int64 = 0
        for await _ in written {
            let front = schedule.withLock { $0.front }
            guard hasher != nil else {
                if front == length { return try check(nil) }
                continue
            }
            // Through mappings of at most `hashWindow` bytes, so that no more of the file is mapped at once.
            while hashed < front, front - hashed >= Self.hashWindow || front == length {
                let count = Int(min(front - hashed, Self.hashWindow))
                try writer.withWrittenBytes(at: hashed, count: count) { hasher?.update($0) }
                hashed += Int64(count)
            }
            if hashed == length { return try check(hasher) }
        }
        // Cancelled: a stream failed, and its error is the one the download throws.
        throw CancellationError()
    }

    /// Throws when the hashed bytes differ from the digest.
    private func check(_ hasher: ObjectDigest.Hasher?) throws {
        guard let digest, let hasher else { return }
        let actual = hasher.finalize()
        if actual != digest.hex { throw digest.mismatch(actual, of: source.address, context: source.context) }
    }
}

/// Thrown by a stream's receiver to stop the stream where its bytes end.
private struct StreamCut: Error {}
