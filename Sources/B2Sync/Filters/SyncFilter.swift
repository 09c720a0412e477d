import B2Kit
import B2SigV4
import Foundation

/// Which names a sync considers: ordered include and exclude globs, and a modified-since date.
///
/// Rules are tried in the order given, and the first that matches decides: `--include '*.csv' --exclude 'tmp/**'`
/// keeps `tmp/a.csv`, while `--exclude 'tmp/**' --include '*.csv'` drops it. A later rule never overrides an
/// earlier match. A name no rule matches is kept when every rule is an exclude, and dropped when there is at least
/// one include (as with rclone, an include list is a list of what to take).
public struct SyncFilter: Sendable {
    /// One rule.
    public enum Rule: Sendable, Hashable {
        /// Names matching the glob are synced.
        case include(Glob)
        /// Names matching the glob are skipped.
        case exclude(Glob)

        var glob: Glob {
            switch self {
            case .include(let glob), .exclude(let glob): glob
            }
        }
    }

    /// The rules, in the order they are tried.
    public let rules: [Rule]
    /// Only names modified at or after this instant are synced (the source's `src_last_modified_millis` when it has
    /// one, else its upload time).
    public let modifiedSince: Date?
    private let hasIncludes: Bool

    /// Creates a filter.
    public init(rules: [Rule] = [], modifiedSince: Date? = nil) {
        self.rules = rules
        self.modifiedSince = modifiedSince
        hasIncludes = rules.contains { if case .include = $0 { true } else { false } }
    }

    /// Reads `--modified-since`: an ISO 8601 date (`2024-05-01`), or date and time with a zone
    /// (`2024-05-01T12:00:00Z`, fractional seconds allowed).
    /// - Throws: `B2Error` `.usage` with an example when the text is not such a date.
    public static func parseModifiedSince(_ text: String) throws -> Date {
        if let date = ISO8601Timestamp.date(from: text) { return date }
        throw B2Error(
            .usage,
            "--modified-since '\(text)' is not an ISO 8601 date: write 2024-05-01 or 2024-05-01T12:00:00Z"
        )
    }

    /// The index of the rule that decides `name`, or nil when none matches.
    public func decidingRule(for name: String) -> Int? {
        rules.firstIndex { $0.glob.matches(name) }
    }

    /// True when `name` passes the rules.
    public func includes(_ name: String) -> Bool {
        guard let index = decidingRule(for: name) else { return !hasIncludes }
        if case .include = rules[index] { return true }
        return false
    }

    /// True when a source object modified at `modifiedMillis` passes the modified-since date.
    public func isRecentEnough(modifiedMillis: Int64) -> Bool {
        guard let modifiedSince else { return true }
        return Double(modifiedMillis) >= modifiedSince.timeIntervalSince1970 * 1000
    }
}
