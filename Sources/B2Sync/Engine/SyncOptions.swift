import B2Kit

/// How a sync decides and acts.
public struct SyncOptions: Sendable {
    /// How to tell whether the destination already holds the source's object.
    public enum Comparison: String, Sendable, CaseIterable {
        /// Same size and same modification time (to the millisecond).
        case sizeAndTime = "size-mtime"
        /// Same size and same SHA-1 (a local file's SHA-1 is computed, and cached by the state database).
        case checksum
    }

    /// Which names to consider.
    public var filter: SyncFilter
    /// How to compare.
    public var comparison: Comparison
    /// Delete destination objects the source does not have.
    public var delete: Bool
    /// Decide and report, but change nothing.
    public var dryRun: Bool
    /// Objects transferred at once.
    public var transfers: Int
    /// The folders a local side's files must resolve into, checked before each file is opened (nil: no check
    /// beyond `LocalName`'s).
    public var confinement: LocalConfinement?
    /// After a stop is requested, how long transfers still in flight may go on before they are cancelled.
    public var grace: Duration
    /// The SSE-C key a `b2://` source's objects are stored with, sent with every download and server-side copy
    /// (nil: the source's objects need none).
    public var sourceEncryption: B2Encryption?
    /// How objects written to a `b2://` destination are encrypted: SSE-B2, or SSE-C with the destination's own key
    /// (nil: as the destination bucket's default).
    public var destinationEncryption: B2Encryption?
    /// Bytes per part of an `s3://` multipart upload and per ranged GET of an `s3://` download (S3's minimum part
    /// is 5 MiB); internal so tests can move large objects in parts without moving hundreds of MiB.
    var s3PieceSize: Int64 = 32 << 20

    /// Creates options; by default all names, size and time, no deletion, 16 transfers at once, no confinement,
    /// 10 s of grace after a stop, and each bucket's own encryption.
    public init(
        filter: SyncFilter = SyncFilter(),
        comparison: Comparison = .sizeAndTime,
        delete: Bool = false,
        dryRun: Bool = false,
        transfers: Int = 16,
        confinement: LocalConfinement? = nil,
        grace: Duration = .seconds(10),
        sourceEncryption: B2Encryption? = nil,
        destinationEncryption: B2Encryption? = nil
    ) {
        self.sourceEncryption = sourceEncryption
        self.destinationEncryption = destinationEncryption
        self.filter = filter
        self.comparison = comparison
        self.delete = delete
        self.dryRun = dryRun
        self.transfers = max(1, transfers)
        self.confinement = confinement
        self.grace = grace
    }
}
