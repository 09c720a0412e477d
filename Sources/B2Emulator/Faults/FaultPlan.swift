/// Faults to inject, parsed from a `--faults` spec, so clients' retry paths can be tested for real.
///
/// A spec is a `;`-separated list of settings and rules:
/// - `seed=N`: the seed of the deterministic random source (default 1);
/// - `retry-after=S`: the `Retry-After` seconds sent with 429 and 503 (default 1);
/// - `delay-ms=N`: how long a `delay` holds a request (default 1000);
/// - `KIND:RATE[@ENDPOINT[+ENDPOINT...]]`: inject KIND into that fraction of requests, optionally only for the
///   named endpoints (`b2_list_buckets`, `b2_upload_file`, `b2_upload_part`, ..., `download` for downloads, or
///   `notification` for the emulator's event notification deliveries).
///
/// Kinds: `500`, `503` (with `Retry-After`), `429` (with `Retry-After`), `expired` (401 `expired_auth_token`),
/// `drop` (close the connection without an answer; a delivery is not sent and counts as failed), `truncate` (send
/// half a download, then close) and `delay` (hold the request, or the delivery, `delay-ms` before going on).
/// Example: `seed=7;503:0.05;429:0.02@b2_get_upload_url;truncate:0.1@download`.
public struct FaultPlan: Sendable, Equatable {
    /// One kind of fault.
    public enum Kind: String, Sendable, CaseIterable {
        case internalError = "500"
        case serviceUnavailable = "503"
        case tooManyRequests = "429"
        case expiredToken = "expired"
        case dropConnection = "drop"
        case truncateBody = "truncate"
        case delay
    }

    /// One rule: a kind, a rate in 0...1, and the endpoints it applies to (empty for all).
    public struct Rule: Sendable, Equatable {
        /// What to inject.
        public var kind: Kind
        /// The fraction of matching requests that get the fault, 0 to 1.
        public var rate: Double
        /// The endpoints the rule applies to; empty for all.
        public var endpoints: [String]
    }

    /// The seed of the random source, so a run can be replayed.
    public var seed: UInt64 = 1
    /// The `Retry-After` seconds sent with 429 and 503.
    public var retryAfterSeconds: Int = 1
    /// How long a `delay` holds a request (or an event notification delivery) before it goes on.
    public var delayMilliseconds: Int = 1000
    /// The rules, tried in order for each request.
    public var rules: [Rule] = []

    /// Parses a spec.
    /// - Throws: `FaultPlan.ParseError` saying which part is wrong and what is accepted.
    public init(parsing spec: String) throws {
        for part in spec.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            if let value = part.stripping(prefix: "seed=") {
                guard let seed = UInt64(value) else { throw ParseError("seed must be a whole number, not \(value)") }
                self.seed = seed
            } else if let value = part.stripping(prefix: "retry-after=") {
                guard let seconds = Int(value), seconds >= 0 else {
                    throw ParseError("retry-after must be a whole number of seconds, not \(value)")
                }
                retryAfterSeconds = seconds
            } else if let value = part.stripping(prefix: "delay-ms=") {
                guard let milliseconds = Int(value), milliseconds >= 0 else {
                    throw ParseError("delay-ms must be a whole number of milliseconds, not \(value)")
                }
                delayMilliseconds = milliseconds
            } else {
                rules.append(try Self.parseRule(part))
            }
        }
        guard !rules.isEmpty else { throw ParseError("the spec has no KIND:RATE rule, e.g. 503:0.1") }
    }

    private static func parseRule(_ text: String) throws -> Rule {
        let (head, endpointText) =
            if let at = text.firstIndex(of: "@") {
                (String(text[..<at]), String(text[text.index(after: at)...]))
            } else { (text, "") }
        let pieces = head.split(separator: ":", omittingEmptySubsequences: false)
        let kinds = Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard pieces.count == 2, let kind = Kind(rawValue: String(pieces[0])) else {
            throw ParseError("\"\(text)\" is not KIND:RATE with KIND one of \(kinds)")
        }
        guard let rate = Double(pieces[1]), (0...1).contains(rate) else {
            throw ParseError("the rate in \"\(text)\" must be a number from 0 to 1")
        }
        let endpoints = endpointText.split(separator: "+").map(String.init)
        return Rule(kind: kind, rate: rate, endpoints: endpoints)
    }

    /// A spec that could not be parsed.
    public struct ParseError: Error, CustomStringConvertible {
        /// What is wrong with the spec.
        public let description: String
        init(_ description: String) { self.description = "invalid --faults spec: " + description }
    }
}

extension String {
    fileprivate func stripping(prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }

    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}

extension Set where Element == Character {
    fileprivate static var whitespaces: Set<Character> { [" ", "\t"] }
}
