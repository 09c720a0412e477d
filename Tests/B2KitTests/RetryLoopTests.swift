import Logging
import Synchronization
import Testing

@testable import B2Kit

/// The one retry loop, driven by scripted attempts and a sleep that records instead of waiting.
@Suite("Retry loop")
struct RetryLoopTests {
    struct Dropped: Error {}

    /// What the loop did: its sleeps, and counters the attempts and hooks bump.
    final class Record: Sendable {
        let sleeps = Mutex<[Duration]>([])
        let attempts = Mutex(0)
        let renewals = Mutex(0)
    }

    /// A loop whose sleeps are recorded; jitter is fixed at one half.
    static func loop(recording record: Record, attempts: Int = 4) -> RetryLoop {
        let policy = RetryPolicy(
            maximumAttempts: attempts, baseDelay: .milliseconds(100), maximumDelay: .seconds(10), jitter: { 0.5 },
            sleep: { duration in record.sleeps.withLock { $0.append(duration) } }
        )
        return RetryLoop(policy: policy, breaker: CircuitBreaker(), logger: Logger(label: "test"))
    }

    static func refusal(_ status: Int, expired: Bool = false, retryAfter: Duration? = nil) -> Refusal {
        Refusal(
            status: status, retryAfter: retryAfter, credentialsExpired: expired,
            error: B2Error(.server, "status \(status)")
        )
    }

    @Test("Transport failures and 5xx are retried with backoff, honouring Retry-After, until one succeeds")
    func retriesUntilSuccess() async throws {
        let record = Record()
        let value: String = try await Self.loop(recording: record).run(
            "test",
            renew: {
                Issue.record("no renewal expected"); return false
            },
            unreachable: { _ in B2Error(.transport, "unreachable") }
        ) { attempt -> AttemptOutcome<String> in
            switch attempt {
            case 1: throw Dropped()
            case 2: return .refused(Self.refusal(503, retryAfter: .seconds(3)))
            default: return .done("ok \(attempt)")
            }
        }
        #expect(value == "ok 3")
        // Attempt 1's backoff is half of 100 ms (jitter 0.5); attempt 2 waits what the server asked.
        #expect(record.sleeps.withLock { $0 } == [Duration.milliseconds(50), Duration.seconds(3)])
    }

    @Test("After the last attempt a transport failure becomes the unreachable error")
    func exhaustsAttempts() async throws {
        let record = Record()
        await #expect {
            let _: Int = try await Self.loop(recording: record, attempts: 3).run(
                "test", renew: { false }, unreachable: { _ in B2Error(.transport, "gave up") }
            ) { _ -> AttemptOutcome<Int> in
                record.attempts.withLock { $0 += 1 }
                throw Dropped()
            }
        } throws: { ($0 as? B2Error)?.message == "gave up" }
        #expect(record.attempts.withLock { $0 } == 3)
        #expect(record.sleeps.withLock { $0.count } == 2)
    }

    @Test("Expired credentials are renewed and the request sent again at once; a final refusal is not retried")
    func renewsAndStops() async throws {
        let record = Record()
        await #expect {
            let _: Int = try await Self.loop(recording: record).run(
                "test",
                renew: {
                    record.renewals.withLock { $0 += 1 }
                    return true
                },
                unreachable: { _ in B2Error(.transport, "unreachable") }
            ) { attempt -> AttemptOutcome<Int> in
                record.attempts.withLock { $0 += 1 }
                return .refused(attempt == 1 ? Self.refusal(401, expired: true) : Self.refusal(400))
            }
        } throws: { ($0 as? B2Error)?.message == "status 400" }
        #expect(record.renewals.withLock { $0 } == 1)
        #expect(record.attempts.withLock { $0 } == 2)
        #expect(record.sleeps.withLock { $0 }.isEmpty)
    }

    @Test("A renewal hook that cannot renew makes a 401 final; a B2Error thrown by an attempt ends the loop")
    func finalErrors() async throws {
        let record = Record()
        await #expect {
            let _: Int = try await Self.loop(recording: record).run(
                "test", renew: { false }, unreachable: { _ in B2Error(.transport, "unreachable") }
            ) { _ -> AttemptOutcome<Int> in .refused(Self.refusal(401, expired: true)) }
        } throws: { ($0 as? B2Error)?.message == "status 401" }
        await #expect {
            let _: Int = try await Self.loop(recording: record).run(
                "test", renew: { true }, unreachable: { _ in B2Error(.transport, "unreachable") }
            ) { _ -> AttemptOutcome<Int> in
                record.attempts.withLock { $0 += 1 }
                throw B2Error(.localFile, "cannot read")
            }
        } throws: { ($0 as? B2Error)?.code == .localFile }
        #expect(record.attempts.withLock { $0 } == 1)
        #expect(record.sleeps.withLock { $0 }.isEmpty)
    }

    @Test("Under a stop requested while it waits, the loop stops waiting and sends nothing more")
    func stopCutsTheWait() async throws {
        let attempts = Mutex(0)
        let waitCancelled = Mutex(false)
        let stop = StopRequest()
        // A wait that only ends when cancelled: a loop that did not watch the stop would never return.
        let policy = RetryPolicy(
            maximumAttempts: 5, jitter: { 1 },
            sleep: { _ in
                stop.request()
                do {
                    try await Task.sleep(for: .seconds(3600))
                } catch {
                    waitCancelled.withLock { $0 = true }
                    throw error
                }
            })
        let loop = RetryLoop(policy: policy, breaker: CircuitBreaker(), logger: Logger(label: "test"))
        let error = await #expect(throws: B2Error.self) {
            try await StopRequest.$current.withValue(stop) {
                let _: Int = try await loop.run(
                    "download x", renew: { false }, unreachable: { _ in B2Error(.transport, "unreachable") }
                ) { _ in
                    attempts.withLock { $0 += 1 }
                    return .refused(Self.refusal(503))
                }
            }
        }
        #expect(error?.code == .cancelled)
        #expect(error?.message == "Stopped while waiting to retry download x")
        #expect(attempts.withLock { $0 } == 1)
        #expect(waitCancelled.withLock { $0 })
    }

    @Test("Under a stop already requested, a request is not sent at all")
    func stopRefusesNewRequests() async throws {
        let stop = StopRequest()
        stop.request()
        let error = await #expect(throws: B2Error.self) {
            try await StopRequest.$current.withValue(stop) {
                let _: Int = try await Self.loop(recording: Record()).run(
                    "list files", renew: { false }, unreachable: { _ in B2Error(.transport, "unreachable") }
                ) { _ in
                    Issue.record("nothing may be sent after a stop")
                    return .done(1)
                }
            }
        }
        #expect(error?.message == "Stopped before trying to list files")
    }
}
