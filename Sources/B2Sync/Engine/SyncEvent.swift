import B2Kit

/// Something a sync did, as it happens: for progress lines, JSON Lines event files and the catalog.
public enum SyncEvent: Sendable {
    /// The object was copied to the destination (or, in a dry run, would be).
    case copied(SyncObject, SyncDecision.Reason, dryRun: Bool)
    /// The destination object was deleted (or, in a dry run, would be).
    case deleted(SyncObject, dryRun: Bool)
    /// The object could not be copied or deleted; the sync goes on with the others.
    case failed(name: String, error: B2Error)
    /// The name cannot be written under the destination folder, and was not.
    case refused(name: String, reason: String)
    /// Bytes moved so far by transfers in flight and done.
    case progress(bytes: Int64)
}
