import NIOCore
import Synchronization

/// Counts bytes moved by concurrent transfers and reports the total; a retried piece is taken back out.
final class ProgressMeter: Sendable {
    private let total = Atomic<Int64>(0)
    private let report: (@Sendable (Int64) -> Void)?

    init(report: (@Sendable (Int64) -> Void)?) {
        self.report = report
    }

    func add(_ bytes: Int64) {
        let now = total.add(bytes, ordering: .relaxed).newValue
        report?(now)
    }

    /// The count now, to rewind to if the current attempt fails.
    func checkpoint() -> Int64 { total.load(ordering: .relaxed) }

    func rewind(to value: Int64) {
        total.store(value, ordering: .relaxed)
    }
}

/// Passes chunks through and counts them on a meter.
struct CountingSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    let meter: ProgressMeter

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let meter: ProgressMeter

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            meter.add(Int64(chunk.readableBytes))
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), meter: meter) }
}
