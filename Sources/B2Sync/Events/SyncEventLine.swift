import B2SigV4
import Foundation

/// One line of a sync's event log: what `b2kit sync --events FILE` appends and what the service serves at
/// `GET /v1/syncs/{id}/events`, for pipelines that consume what arrived.
///
/// Each line has `event` (`copied`, `deleted`, `failed`, `refused`), `name` (relative to the sync's root), `at`
/// (UTC ISO 8601 to the millisecond, `2026-11-18T11:06:40.123Z`), and for copies `size`, `sha1`, `path` (the local
/// file, when the destination is a folder) and `reason` (`new` or `changed`); `error` for a failure and `reason` for a
/// refusal. Keys are sorted and absent fields left out.
public struct SyncEventLine: Codable, Sendable, Equatable {
    /// When it happened.
    public var at: String
    /// `copied`, `deleted`, `failed` or `refused`.
    public var event: String
    /// The object's name, relative to the sync's root.
    public var name: String
    /// A copy's size in bytes.
    public var size: Int64?
    /// A copy's reason (`new`, `changed`) or a refusal's.
    public var reason: String?
    /// A copy's SHA-1, when known.
    public var sha1: String?
    /// The local file a copy wrote, when the destination is a folder.
    public var path: String?
    /// A failure's message.
    public var error: String?

    /// The line for `event`, or nil for events that write none (progress, and the plans of a dry run).
    /// - Parameters:
    ///   - destination: the sync's destination, for the local path of a copy.
    ///   - date: when it happened.
    public init?(_ event: SyncEvent, destination: SyncEndpoint, at date: Date = Date()) {
        at = ISO8601Timestamp.string(from: date, fractionalSeconds: true)
        switch event {
        case .copied(let item, let reason, false):
            self.event = "copied"
            name = item.name
            size = item.size
            self.reason = reason.rawValue
            sha1 = item.sha1 ?? item.version?.knownSHA1
            if case .folder(let root) = destination { path = root + "/" + item.name }
        case .deleted(let item, false):
            self.event = "deleted"
            name = item.name
        case .failed(let name, let error):
            self.event = "failed"
            self.name = name
            self.error = error.message
        case .refused(let name, let reason):
            self.event = "refused"
            self.name = name
            self.reason = reason
        case .copied, .deleted, .progress:
            return nil
        }
    }

    /// The line as JSON, without its newline.
    public var text: String {
        // Encoding these fields cannot fail.
        (try? Self.encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
