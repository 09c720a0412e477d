import Foundation
import Synchronization

/// The emulator's one clock: the system time plus an offset, so that retention, lifecycle rules and token lifetimes
/// can be tested by moving time forward (`b2kit serve --clock-offset`, or the master key's
/// `POST /emulator/v1/advance_clock`).
///
/// Every timestamp the emulator writes or compares comes from here.
final class EmulatorClock: Sendable {
    private let offset: Atomic<Int64>

    /// A clock `offsetMilliseconds` ahead of the system's (behind it when negative).
    init(offsetMilliseconds: Int64 = 0) {
        offset = Atomic(offsetMilliseconds)
    }

    /// Milliseconds since the epoch, offset.
    func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) + offset.load(ordering: .relaxed)
    }

    /// How far ahead of the system time the clock runs, in milliseconds.
    var offsetMilliseconds: Int64 { offset.load(ordering: .relaxed) }

    /// Moves the clock forward by `milliseconds` (never backward: recorded times stay in order).
    func advance(by milliseconds: Int64) {
        precondition(milliseconds >= 0, "the emulator's clock only moves forward")
        offset.add(milliseconds, ordering: .relaxed)
    }
}
