import Synchronization

/// Decides, request by request, which fault of a ``FaultPlan`` to inject, from a seeded random source.
final class FaultInjector: Sendable {
    let plan: FaultPlan
    private let generator: Mutex<SplitMix64>

    init(plan: FaultPlan) {
        self.plan = plan
        generator = Mutex(SplitMix64(seed: plan.seed))
    }

    /// The fault for a request to `endpoint`, or nil.
    func draw(endpoint: String, isDownload: Bool) -> FaultPlan.Kind? {
        for rule in plan.rules where rule.endpoints.isEmpty || rule.endpoints.contains(endpoint) {
            if rule.kind == .truncateBody && !isDownload { continue }
            if rule.kind == .expiredToken && endpoint == "b2_authorize_account" { continue }
            let roll = generator.withLock { $0.nextUnit() }
            if roll < rule.rate { return rule.kind }
        }
        return nil
    }
}

/// A small deterministic random source (SplitMix64), so a seed replays the same faults.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// What the fault injector asked a download to do.
struct DownloadFaults: Sendable {
    var truncate = false
}

/// Errors thrown to make the server misbehave on purpose.
enum FaultInjected: Error {
    case truncatedBody
    case droppedConnection
}
