import Logging

/// A refused attempt, as the attempt itself read it.
struct Refusal: Sendable {
    /// The HTTP status.
    var status: Int
    /// The server's `Retry-After`, if any.
    var retryAfter: Duration?
    /// True when the answer says the credentials expired and renewing them may help (B2's
    /// `expired_auth_token`/`bad_auth_token`, or a refused upload URL).
    var credentialsExpired: Bool
    /// What to throw when no further attempt is made.
    var error: B2Error
}

/// What one attempt of a request came to.
enum AttemptOutcome<Value> {
    /// The request succeeded.
    case done(Value)
    /// The server answered with an error.
    case refused(Refusal)
}

/// The one loop every request of the client runs in: transport failures and 408/429/5xx answers are tried again by
/// the `RetryPolicy` (honouring `Retry-After`), expired credentials are renewed through a hook and the request sent
/// again, and everything else ends the loop with the attempt's own error.
///
/// An attempt that throws a `B2Error` has met something trying again cannot fix (a local file that cannot be read,
/// a body that cannot be rewound) and ends the loop at once; any other error is a transport failure, recorded by
/// the client's `CircuitBreaker`: once it opens, this loop and every other one sharing it end at once with
/// `B2Error.Code.unreachable`. Under a `StopRequest` that has been made, the loop neither waits nor sends again.
struct RetryLoop: Sendable {
    let policy: RetryPolicy
    let breaker: CircuitBreaker
    let logger: Logger

    /// Runs `attempt` until it succeeds, fails for good, or the policy's attempts are spent.
    /// - Parameters:
    ///   - label: names the request in debug logs.
    ///   - renew: renews the credentials after a refusal that says they expired; returns false when this request
    ///     cannot renew them (the refusal is then final).
    ///   - unreachable: the error to throw when the last attempt failed in transport.
    ///   - attempt: sends the request once; given the attempt number, counting from 1.
    func run<Value>(
        _ label: String,
        renew: () async throws -> Bool,
        unreachable: (any Error) -> B2Error,
        attempt: (Int) async throws -> AttemptOutcome<Value>
    ) async throws -> Value {
        var number = 0
        var lastFailure: (any Error)?
        while true {
            number += 1
            let canRetry = number < policy.maximumAttempts
            if breaker.isOpen { throw opened(unreachable(lastFailure ?? CircuitOpen())) }
            if StopRequest.current?.isRequested == true {
                throw B2Error(.cancelled, "Stopped before \(number == 1 ? "trying" : "trying again") to \(label)")
            }
            let outcome: AttemptOutcome<Value>
            let started = breaker.attemptStarts()
            do {
                outcome = try await attempt(number)
            } catch let error as B2Error {
                throw error
            } catch is CancellationError {
                throw B2Error(.cancelled, "Cancelled while trying to \(label)")
            } catch {
                if breaker.recordFailure(startedAt: started) { throw opened(unreachable(error)) }
                guard canRetry else { throw unreachable(error) }
                lastFailure = error
                logger.debug("Retrying after a transport error", metadata: ["b2.request": "\(label)"])
                try await wait(policy.delay(afterAttempt: number), label)
                continue
            }
            breaker.recordAnswer()
            switch outcome {
            case .done(let value):
                return value
            case .refused(let refusal):
                if refusal.credentialsExpired, canRetry, try await renew() {
                    logger.debug("Renewed credentials", metadata: ["b2.request": "\(label)"])
                    continue
                }
                guard RetryPolicy.isRetryable(status: refusal.status), canRetry else { throw refusal.error }
                logger.debug("Retrying", metadata: ["b2.request": "\(label)", "http.status": "\(refusal.status)"])
                try await wait(policy.delay(afterAttempt: number, retryAfter: refusal.retryAfter), label)
            }
        }
    }

    /// Waits by the policy; a cancelled wait (another caller's failure) or a stop requested meanwhile
    /// (`StopRequest.current`) ends the loop as cancelled.
    func wait(_ duration: Duration, _ label: String) async throws {
        let stopped = B2Error(.cancelled, "Stopped while waiting to retry \(label)")
        do {
            guard let stop = StopRequest.current else { return try await policy.sleep(duration) }
            let sleep = policy.sleep
            let stopCame = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await sleep(duration)
                    return false
                }
                group.addTask { try await stop.wait() }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            if stopCame { throw stopped }
        } catch is CancellationError {
            throw B2Error(.cancelled, "Cancelled while waiting to retry \(label)")
        }
    }

    /// The error of a loop the open breaker ended: what could not be reached, and that a rerun resumes.
    private func opened(_ error: B2Error) -> B2Error {
        let seconds = breaker.window.components.seconds
        return B2Error(
            .unreachable,
            error.message + "; nothing has answered for \(seconds) s, so every transfer stopped. Check the network "
                + "(or the server), then run the command again: it resumes where this one stopped",
            context: error.context, cause: error.cause)
    }
}

/// The cause of an attempt refused because the breaker was already open.
struct CircuitOpen: Error, CustomStringConvertible {
    var description: String { "the host has not answered for a while" }
}
