import Testing

@testable import B2Kit

@Suite("Piece schedule: the first stream, its cut, the pieces after it and the written front")
struct PieceScheduleTests {
    @Test("Uncut, the first stream carries the whole file and no piece is handed out")
    func uncut() {
        var schedule = PieceSchedule(length: 10_000, pieceSize: 1000)
        #expect(schedule.takePiece() == nil)
        schedule.recordFirst(2500)
        #expect(schedule.front == 2500)
        #expect(schedule.firstRemaining == 7500)
        schedule.recordFirst(7500)
        #expect(schedule.front == 10_000 && schedule.firstRemaining == 0)
        #expect(schedule.takePiece() == nil)
    }

    @Test("A cut stops the first stream at the next piece boundary; the pieces after it are handed out in order")
    func cutMidPiece() {
        var schedule = PieceSchedule(length: 10_500, pieceSize: 1000)
        #expect(schedule.pieceCount == 11)
        schedule.recordFirst(2300)
        schedule.cut()
        #expect(schedule.firstEnd == 3000 && schedule.firstRemaining == 700)
        var handed: [Int] = []
        while let index = schedule.takePiece() { handed.append(index) }
        #expect(handed == Array(3...10))
        #expect(schedule.range(ofPiece: 10) == 10_000..<10_500)
        // Cutting again changes nothing.
        let before = schedule
        schedule.cut()
        #expect(schedule == before)
    }

    @Test("A cut on a boundary ends the first stream there; a cut past the last boundary leaves it the rest")
    func cutOnBoundary() {
        var onBoundary = PieceSchedule(length: 5000, pieceSize: 1000)
        onBoundary.recordFirst(2000)
        onBoundary.cut()
        #expect(onBoundary.firstRemaining == 0 && onBoundary.front == 2000)
        #expect(onBoundary.takePiece() == 2)
        var nearEnd = PieceSchedule(length: 4500, pieceSize: 1000)
        nearEnd.recordFirst(4200)
        nearEnd.cut()
        #expect(nearEnd.firstEnd == 4500 && nearEnd.takePiece() == nil)
    }

    @Test("The front moves over pieces only once every earlier byte is written, whatever order pieces finish in")
    func frontInOrder() {
        var schedule = PieceSchedule(length: 6000, pieceSize: 1000)
        schedule.recordFirst(500)
        schedule.cut()
        let pieces = (0..<5).compactMap { _ in schedule.takePiece() }
        #expect(pieces == [1, 2, 3, 4, 5])
        schedule.recordPiece(2)
        schedule.recordPiece(1)
        #expect(schedule.front == 500, "the first stream still owes bytes 500..<1000")
        schedule.recordFirst(500)
        #expect(schedule.front == 3000)
        schedule.recordPiece(5)
        #expect(schedule.front == 3000)
        schedule.recordPiece(3)
        schedule.recordPiece(4)
        #expect(schedule.front == 6000)
    }

    @Test("No piece is handed out that starts the lead or more past the front")
    func lead() {
        var schedule = PieceSchedule(length: 10_000, pieceSize: 1000)
        schedule.recordFirst(100)
        schedule.cut()
        #expect(schedule.takePiece(within: 2900) == 1)
        #expect(schedule.takePiece(within: 2900) == 2)
        #expect(schedule.takePiece(within: 2900) == nil, "piece 3 would start 2900 past the front at 100")
        schedule.recordFirst(900)
        #expect(schedule.takePiece(within: 2900) == 3)
        #expect(schedule.takePiece(within: 2900) == nil)
        schedule.recordPiece(1)
        #expect(schedule.takePiece(within: 2900) == 4)
    }
}
