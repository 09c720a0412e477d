/// The body of `POST /v1/syncs` as a client sends it.
public struct SyncRequest: Encodable, Sendable {
    /// The connection's id.
    public var connectionId: String
    /// `b2://BUCKET/PREFIX`, or a folder inside a service root.
    public var sourcePath: String
    /// A folder inside a service root, or `b2://...`.
    public var destination: String
    /// `one_time`, `scheduled` or `continuous`.
    public var syncMode: String
    /// Seconds between runs; left out for the service's default.
    public var pollingIntervalSeconds: Int?
    /// Include globs.
    public var includePatterns: [String]
    /// Exclude globs.
    public var excludePatterns: [String]
    /// Whether destination objects the source lacks are deleted.
    public var delete: Bool

    enum CodingKeys: String, CodingKey {
        case connectionId = "connection_id"
        case sourcePath = "source_path"
        case destination
        case syncMode = "sync_mode"
        case pollingIntervalSeconds = "polling_interval_seconds"
        case includePatterns = "include_patterns"
        case excludePatterns = "exclude_patterns"
        case delete
    }

    /// Creates the body of a sync.
    public init(
        connectionId: String, sourcePath: String, destination: String, syncMode: String,
        pollingIntervalSeconds: Int? = nil, includePatterns: [String] = [], excludePatterns: [String] = [],
        delete: Bool = false
    ) {
        self.connectionId = connectionId
        self.sourcePath = sourcePath
        self.destination = destination
        self.syncMode = syncMode
        self.pollingIntervalSeconds = pollingIntervalSeconds
        self.includePatterns = includePatterns
        self.excludePatterns = excludePatterns
        self.delete = delete
    }
}
