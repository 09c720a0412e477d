import Logging

/// How to run the emulator: where its data lives, where it listens and how it behaves.
public struct EmulatorConfiguration: Sendable {
    /// The folder holding object bytes and the metadata database; created if missing.
    public var dataDirectory: String
    /// The address to listen on.
    public var host: String
    /// The port to listen on; 0 picks a free one.
    public var port: Int
    /// The master application key id to use instead of the stored or a generated one.
    public var masterKeyId: String?
    /// The master application key to use instead of the stored or a generated one.
    public var masterKey: String?
    /// How long account authorization tokens stay valid, in seconds.
    public var tokenLifetimeSeconds: Int64
    /// `recommendedPartSize` in authorize replies; clients split files larger than this.
    public var recommendedPartSize: Int64
    /// `absoluteMinimumPartSize`: the smallest part (but the last) that `b2_finish_large_file` accepts.
    public var absoluteMinimumPartSize: Int64
    /// The region of the S3-compatible API, such as `us-west-004`: S3 requests must be signed for it, and the
    /// authorize reply's `s3ApiUrl` names it.
    public var region: String
    /// Injected faults, or nil for none.
    public var faults: FaultPlan?
    /// How far ahead of the system time the emulator's clock starts, in milliseconds: uploads are stamped with it,
    /// and retention, lifecycle rules and token lifetimes are judged by it.
    public var clockOffsetMilliseconds: Int64
    /// Where the emulator logs.
    public var logger: Logger
    /// The certificate to answer HTTPS with; nil serves plain HTTP.
    public var tls: EmulatorTLS?
    /// `https` with a certificate, else `http`: the scheme of the URLs the emulator hands out.
    public var scheme: String { tls == nil ? "http" : "https" }
    /// How long, on the emulator's clock, a new version covered by a replication rule stays `pending` before it is
    /// copied to its destination.
    public var replicationDelayMilliseconds: Int64

    /// The region the emulator reports when none is given.
    public static let defaultRegion = "us-west-004"

    /// A logger that reports warnings and errors only (requests are logged at info).
    public static var quietLogger: Logger {
        var logger = Logger(label: "b2kit.emulator")
        logger.logLevel = .warning
        return logger
    }

    /// Creates a configuration with B2's defaults.
    public init(
        dataDirectory: String,
        host: String = "127.0.0.1",
        port: Int = 0,
        masterKeyId: String? = nil,
        masterKey: String? = nil,
        tokenLifetimeSeconds: Int64 = 86_400,
        recommendedPartSize: Int64 = 100_000_000,
        absoluteMinimumPartSize: Int64 = 5_000_000,
        region: String = EmulatorConfiguration.defaultRegion,
        faults: FaultPlan? = nil,
        clockOffsetMilliseconds: Int64 = 0,
        logger: Logger = EmulatorConfiguration.quietLogger,
        tls: EmulatorTLS? = nil,
        replicationDelayMilliseconds: Int64 = 60_000
    ) {
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.masterKeyId = masterKeyId
        self.masterKey = masterKey
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.recommendedPartSize = recommendedPartSize
        self.absoluteMinimumPartSize = absoluteMinimumPartSize
        self.region = region
        self.faults = faults
        self.clockOffsetMilliseconds = clockOffsetMilliseconds
        self.logger = logger
        self.tls = tls
        self.replicationDelayMilliseconds = replicationDelayMilliseconds
    }
}
