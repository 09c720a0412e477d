import B2SigV4
import Foundation

extension B2FileVersion {
    /// Why Object Lock keeps this version from being deleted at `nowMillis`, or nil when nothing the key may read
    /// keeps it: a legal hold, or a retention that has not ended (governance can be bypassed with the
    /// bypassGovernance capability; a sync does not try).
    public func protection(atMillis nowMillis: Int64) -> String? {
        if isLegalHoldOn == true { return "kept by Object Lock: under a legal hold" }
        guard let retention, retention.retainUntilMillis > nowMillis else { return nil }
        let until = ISO8601Timestamp.string(
            from: Date(timeIntervalSince1970: Double(retention.retainUntilMillis) / 1000))
        return "kept by Object Lock: \(retention.mode.rawValue) retention until \(until)"
    }
}
