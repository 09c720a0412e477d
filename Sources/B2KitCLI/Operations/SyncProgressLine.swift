import B2Sync
import Foundation
import Synchronization

/// The live line of a sync on a terminal: files done, bytes, rate; redrawn at most ten times a second on standard
/// error, and only when it is a terminal and neither `--quiet` nor `--json` was given.
final class SyncProgressLine: Sendable {
    private struct State {
        var files = 0
        var bytes: Int64 = 0
        var lastDraw = 0.0
        var drawn = false
    }
    private let context: CommandContext
    private let enabled: Bool
    private let start = Date()
    private let state = Mutex(State())

    init(context: CommandContext) {
        self.context = context
        enabled = context.isTerminal && !context.quiet && !context.json
    }

    func observe(_ event: SyncEvent) {
        guard enabled else { return }
        let line: String? = state.withLock { state in
            switch event {
            case .copied(_, _, false), .deleted(_, false): state.files += 1
            case .progress(let bytes): state.bytes = bytes
            default: break
            }
            let now = Date().timeIntervalSince(start)
            guard now - state.lastDraw >= 0.1 else { return nil }
            state.lastDraw = now
            state.drawn = true
            let rate = Double(state.bytes) / max(now, 0.001)
            return "\r\u{1B}[K\(state.files) files, \(ByteCountText(state.bytes)), \(ByteCountText(Int64(rate)))/s"
        }
        if let line { context.standardError(line) }
    }

    func finish() {
        if enabled, state.withLock({ $0.drawn }) { context.standardError("\r\u{1B}[K") }
    }
}
