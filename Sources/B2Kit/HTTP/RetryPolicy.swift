import Foundation

/// When and how long to wait before trying a failed request again.
///
/// 408, 429 and 5xx answers and dropped connections are retried with exponential backoff and full jitter,
/// honouring `Retry-After`. Randomness and sleeping are injected so tests are exact.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    /// The first backoff step.
    public var baseDelay: Duration
    /// The longest single wait.
    public var maximumDelay: Duration
    /// A source of numbers in `0..<1` for jitter.
    public var jitter: @Sendable () -> Double
    /// Waits; tests substitute one that records and returns at once.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// How long a client's hosts may refuse or time out every connection before all its retries stop
    /// (`CircuitBreaker`); 5xx and 429 answers never count, since the host answered.
    public var unreachableWindow: Duration

    /// Creates a policy.
    public init(
        maximumAttempts: Int = 6,
        baseDelay: Duration = .milliseconds(200),
        maximumDelay: Duration = .seconds(20),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        unreachableWindow: Duration = .seconds(30)
    ) {
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.jitter = jitter
        self.sleep = sleep
        self.unreachableWindow = unreachableWindow
    }

    /// The default policy.
    public static let standard = RetryPolicy()

    /// True for HTTP statuses worth another try.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || (500...599).contains(status)
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), or the server's `Retry-After` when given.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil) -> Duration {
        if let retryAfter { return min(retryAfter, maximumDelay) }
        let exponent = min(attempt - 1, 20)
        let ceiling = min(baseDelay * (1 << exponent), maximumDelay)
        return ceiling * jitter()
    }

    /// Parses a `Retry-After` header given in seconds.
    public static func retryAfter(_ header: String?) -> Duration? {
        guard let header, let seconds = Int(header.trimmingCharacters(in: .whitespaces)), seconds >= 0 else {
            return nil
        }
        return .seconds(seconds)
    }
}
