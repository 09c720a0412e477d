import Synchronization

/// Lets one run of a sweep go at a time: the background sweep and a clock advance may both start one, and two runs
/// of, say, replication over the same pending versions would copy them twice. A second run waits for the first.
final class RunLock: Sendable {
    private let running = Mutex(false)

    /// Runs `body` once no other run holds the lock.
    func run<Value: Sendable>(_ body: () async throws -> Value) async throws -> Value {
        while !running.withLock({ busy in
            if busy { return false }
            busy = true
            return true
        }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        defer { running.withLock { $0 = false } }
        return try await body()
    }
}

/// One ``RunLock`` per sweep.
struct SweepLocks: Sendable {
    let lifecycle = RunLock()
    let replication = RunLock()
}
