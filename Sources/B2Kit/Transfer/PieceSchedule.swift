import Synchronization

/// Which bytes of a file downloaded to disk come on which stream, and how far the file is written from its start.
///
/// A download begins as one stream over the whole file (the *first stream*). If that stream turns out slow, it is
/// cut at the next piece boundary and the rest of the file is handed out as pieces of `pieceSize`, fetched on
/// connections of their own; if it is fast, it carries the whole file. The written *front*, the end of the bytes
/// written without a gap from byte 0, is what the file's SHA-1 may be computed over so far.
///
/// A pure value: a download's tasks share it behind a lock, and tests drive it without sockets.
struct PieceSchedule: Sendable, Equatable {
    /// The file's size.
    let length: Int64
    /// The size of each piece after the cut (the last may be shorter).
    let pieceSize: Int64
    /// Where the first stream stops: the file's length until it is cut, then a piece boundary.
    private(set) var firstEnd: Int64
    /// How many bytes the first stream has written, from byte 0.
    private(set) var firstWritten: Int64 = 0
    /// Whether the first stream was cut, so that pieces are handed out.
    private(set) var isCut = false
    /// The next piece to hand out, once cut.
    private var nextPiece = 0
    /// Pieces handed out and written whole, by index.
    private var writtenPieces: Set<Int> = []

    init(length: Int64, pieceSize: Int64) {
        precondition(length >= 0 && pieceSize > 0)
        self.length = length
        self.pieceSize = pieceSize
        firstEnd = length
    }

    /// The number of pieces the file divides into.
    var pieceCount: Int { Int((length + pieceSize - 1) / pieceSize) }

    /// The bytes of piece `index`.
    func range(ofPiece index: Int) -> Range<Int64> {
        let lower = Int64(index) * pieceSize
        return lower..<min(length, lower + pieceSize)
    }

    /// How many more bytes the first stream should write.
    var firstRemaining: Int64 { firstEnd - firstWritten }

    /// Records that the first stream wrote `count` more bytes (no more than `firstRemaining`).
    mutating func recordFirst(_ count: Int64) {
        precondition(count >= 0 && count <= firstRemaining)
        firstWritten += count
    }

    /// Cuts the first stream at the first piece boundary at or after what it has written; the pieces from there
    /// on are handed out by `takePiece()`. Cutting twice changes nothing.
    mutating func cut() {
        guard !isCut else { return }
        isCut = true
        let boundary = (firstWritten + pieceSize - 1) / pieceSize
        firstEnd = min(length, boundary * pieceSize)
        nextPiece = Int(boundary)
    }

    /// The next piece to fetch, if the first stream was cut, one is left, and it starts less than `lead` bytes past
    /// the front (so no piece races far ahead of one that is slow).
    mutating func takePiece(within lead: Int64 = .max) -> Int? {
        guard isCut, nextPiece < pieceCount, range(ofPiece: nextPiece).lowerBound - front < lead else { return nil }
        defer { nextPiece += 1 }
        return nextPiece
    }

    /// Records that piece `index` is written whole.
    mutating func recordPiece(_ index: Int) {
        writtenPieces.insert(index)
    }

    /// The end of the bytes written without a gap from byte 0.
    var front: Int64 {
        guard firstWritten == firstEnd else { return firstWritten }
        var front = firstEnd
        var index = Int(firstEnd / pieceSize)
        while front < length, writtenPieces.contains(index) {
            front = range(ofPiece: index).upperBound
            index += 1
        }
        return front
    }
}

extension PieceSchedule {
    /// A schedule shared by the tasks of one download.
    final class Shared: Sendable {
        private let schedule: Mutex<PieceSchedule>

        init(_ schedule: PieceSchedule) {
            self.schedule = Mutex(schedule)
        }

        func withLock<Result>(_ body: (inout PieceSchedule) -> Result) -> Result {
            schedule.withLock { body(&$0) }
        }
    }
}
