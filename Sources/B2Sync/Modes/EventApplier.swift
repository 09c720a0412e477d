import B2Kit
import Foundation

/// Applies B2 Event Notifications to a folder kept in step with a `b2://` prefix, one event at a time.
///
/// An event says which name changed, not what it now holds, and B2 delivers at least once and in no fixed order
/// across objects, so each event makes the local file match what the bucket shows for that name *now*: the newest
/// visible version is downloaded (unless the file already has its size and time), and a name with none is deleted
/// locally when `options.delete` is set. Globs and `--modified-since` apply as they do to listings; an event id
/// already applied is dropped (the state database remembers them).
public struct EventApplier: Sendable {
    /// What one event did.
    public enum Outcome: Sendable, Equatable {
        /// The object was downloaded into place.
        case copied(String)
        /// The local file was deleted.
        case deleted(String)
        /// Nothing needed doing, and why.
        case skipped(String, reason: String)
        /// The event was applied before.
        case duplicate
        /// The name cannot be written under the folder (it is reported, never written).
        case refused(String, reason: String)
    }

    let client: B2Client
    let bucket: B2Bucket
    let prefix: String
    let sides: SyncSides
    let options: SyncOptions
    let state: SyncState?
    let observer: @Sendable (SyncEvent) -> Void

    /// Resolves the two sides: `source` must be `b2://BUCKET/PREFIX` and `destination` a folder.
    /// - Throws: `B2Error` `.usage` for other sides, and the bucket lookup's errors.
    public init(
        client: B2Client, source: SyncEndpoint, destination: SyncEndpoint, options: SyncOptions,
        state: SyncState?, observer: @escaping @Sendable (SyncEvent) -> Void = { _ in }
    ) async throws {
        guard case .bucket(let path) = source, path.scheme == .b2, case .folder = destination else {
            throw B2Error(
                .usage, "--mode events syncs a b2://BUCKET/PREFIX into a local folder: B2 notifies of bucket changes")
        }
        sides = try await SyncSides(
            client: client, s3: nil, source: source, destination: destination, dryRun: false,
            confinement: options.confinement, encryption: (options.sourceEncryption, nil))
        self.client = client
        bucket = try await client.bucket(named: path.bucket)
        prefix = source.folderPrefix
        self.options = options
        self.state = state
        self.observer = observer
    }

    /// Applies one verified event.
    /// - Throws: the download's or deletion's error; the event is then not marked applied, so B2's retry of it
    ///   (the receiver answers 5xx) applies it again.
    public func apply(_ event: EventNotification.Event) async throws -> Outcome {
        guard let objectName = event.objectName else { return .skipped("-", reason: "a test event") }
        guard event.bucketName == bucket.bucketName, objectName.utf8.starts(with: prefix.utf8) else {
            return .skipped(objectName, reason: "outside b2://\(bucket.bucketName)/\(prefix)")
        }
        let name = String(decoding: objectName.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
        guard !name.isEmpty, options.filter.includes(name) else { return .skipped(name, reason: "excluded") }
        if let state, try await state.hasSeenEvent(event.eventId) { return .duplicate }
        let outcome = try await reconcile(name, objectName: objectName)
        _ = try await state?.markEventSeen(event.eventId)
        return outcome
    }

    /// Makes the local file of `name` match the bucket's newest visible version of it.
    private func reconcile(_ name: String, objectName: String) async throws -> Outcome {
        guard let version = try await client.fileVersion(in: bucket, named: objectName), version.action == "upload"
        else {
            guard options.delete else { return .skipped(name, reason: "gone from the bucket; --delete is off") }
            let object = SyncObject(name: name, size: 0, modifiedMillis: 0)
            guard let path = sides.destination.catalogPath(of: name), FileManager.default.fileExists(atPath: path)
            else { return .skipped(name, reason: "gone from both sides") }
            try await sides.destination.delete(object)
            try await state?.recordDeleted(name: name)
            observer(.deleted(object, dryRun: false))
            return .deleted(name)
        }
        let object = SyncObject(remote: version, name: name)
        guard options.filter.isRecentEnough(modifiedMillis: object.modifiedMillis) else {
            return .skipped(name, reason: "older than --modified-since")
        }
        if let problem = sides.destination.problem(with: name) {
            observer(.refused(name: name, reason: problem))
            return .refused(name, reason: problem)
        }
        let local = sides.destination.catalogPath(of: name).flatMap {
            try? FileManager.default.attributesOfItem(atPath: $0)
        }
        let exists = local != nil
        if let local, (local[.size] as? NSNumber)?.int64Value == object.size,
            let modified = local[.modificationDate] as? Date,
            Int64((modified.timeIntervalSince1970 * 1000).rounded()) == object.modifiedMillis
        {
            return .skipped(name, reason: "already in place")
        }
        _ = try await sides.transfer.move(object, progress: { _ in })
        try await state?.recordCopied(object, localPath: sides.destination.catalogPath(of: name), copy: nil)
        observer(.copied(object, exists ? .changed : .new, dryRun: false))
        return .copied(name)
    }
}
