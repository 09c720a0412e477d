import Logging
import Synchronization
import Testing

@testable import B2Kit

/// The breaker on a clock that only the loops' sleeps move.
@Suite("Circuit breaker")
struct CircuitBreakerTests {
    struct Refused: Error {}

    /// A clock the tests move.
    final class FakeClock: Sendable {
        let instant = Mutex(ContinuousClock.now)
        func now() -> ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
    }

    /// Loops sharing one breaker, whose sleeps move the clock instead of waiting; attempts are counted.
    final class World: Sendable {
        let clock: FakeClock
        let attempts = Mutex(0)
        let breaker: CircuitBreaker

        init(window: Duration = .seconds(30)) {
            let clock = FakeClock()
            self.clock = clock
            breaker = CircuitBreaker(window: window, now: { clock.now() })
        }

        func loop() -> RetryLoop {
            let clock = clock
            let policy = RetryPolicy(
                maximumAttempts: 1000, baseDelay: .seconds(1), maximumDelay: .seconds(4), jitter: { 1 },
                sleep: { clock.advance($0) })
            return RetryLoop(policy: policy, breaker: breaker, logger: Logger(label: "test"))
        }

        /// Runs a request whose every attempt is refused at the transport; returns the error it ended with.
        func unreachableRequest() async -> B2Error? {
            do {
                let _: Int = try await loop().run(
                    "list files", renew: { false },
                    unreachable: { error in B2Error(.transport, "Could not reach B2 to list files: \(error)") }
                ) { _ in
                    attempts.withLock { $0 += 1 }
                    throw Refused()
                }
                return nil
            } catch {
                return error as? B2Error
            }
        }
    }

    @Test("Only transport failures for the whole window open it; every caller sharing it then stops at once")
    func opensAfterTheWindow() async throws {
        let world = World()
        let first = try #require(await world.unreachableRequest())
        #expect(first.code == .unreachable)
        #expect(first.message.contains("Could not reach B2 to list files"))
        #expect(first.message.contains("nothing has answered for 30 s"))
        #expect(first.message.contains("resumes where this one stopped"))
        // 1 + 2 + 4 + 4 + ... seconds of backoff: the window is spent after about ten attempts, not a thousand.
        let spent = world.attempts.withLock { $0 }
        #expect((8...12).contains(spent))
        #expect(world.breaker.isOpen)
        let second = try #require(await world.unreachableRequest())
        #expect(second.code == .unreachable)
        #expect(world.attempts.withLock { $0 } == spent, "an open breaker sends nothing")
    }

    @Test("Any answer, even a 503, closes it; after the window one probe may go, and a failed probe reopens it")
    func answersCloseAndProbesReopen() async throws {
        let world = World()
        let loop = world.loop()
        var count = 0
        let unreachable: (any Error) -> B2Error = { _ in B2Error(.transport, "x") }
        let value: Int = try await loop.run("call", renew: { false }, unreachable: unreachable) { _ in
            count += 1
            // Failures for 20 s, then a 503, then failures for 20 s more, then success: never 30 s of failures.
            if count <= 5 || (count > 6 && count <= 11) { throw Refused() }
            if count == 6 {
                return .refused(
                    Refusal(
                        status: 503, retryAfter: nil, credentialsExpired: false, error: B2Error(.server, "503")))
            }
            return .done(count)
        }
        #expect(value == 12)
        #expect(!world.breaker.isOpen)

        _ = await world.unreachableRequest()
        #expect(world.breaker.isOpen)
        world.clock.advance(.seconds(31))
        #expect(!world.breaker.isOpen)
        let before = world.attempts.withLock { $0 }
        let probe = try #require(await world.unreachableRequest())
        #expect(probe.code == .unreachable)
        #expect(world.attempts.withLock { $0 } == before + 1, "one probe, then open again")
        #expect(world.breaker.isOpen)
    }
}
