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
/// a body that cannot be rewound) and ends the loop at once; any other error is a transport failure.
struct RetryLoop: Sendable {
    let policy: RetryPolicy
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
        while true {
            number += 1
            let canRetry = number < policy.maximumAttempts
            let outcome: AttemptOutcome<Value>
            do {
                outcome = try await attempt(number)
            } catch let error as B2Error {
                throw error
            } catch is CancellationError {
                throw B2Error(.cancelled, "Cancelled while trying to \(label)")
            } catch {
                guard canRetry else { throw unreachable(error) }
                logger.debug("Retrying after a transport error", metadata: ["b2.request": "\(label)"])
                try await policy.sleep(policy.delay(afterAttempt: number))
                continue
            }
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
                try await policy.sleep(policy.delay(afterAttempt: number, retryAfter: refusal.retryAfter))
            }
        }
    }
}
