import B2Kit
import B2Sync
import Foundation
import Synchronization

/// `--events FILE`: one JSON line per change, appended as it happens, for pipelines that consume what arrived.
///
/// Each line has `event` (`copied`, `deleted`, `failed`, `refused`), `name` (relative to the sync's root), `at`
/// (UTC ISO 8601 to the millisecond, `2026-11-18T11:06:40.123Z`), and for copies `size`, `sha1`, `path` (the local
/// file, when the destination is a folder) and `reason` (`new` or `changed`).
final class EventLog: Sendable {
    private let handle: Mutex<FileHandle>
    let path: String

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw B2Error(.localFile, "Cannot create the events file \(path): check the folder exists")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw B2Error(.localFile, "Cannot write the events file \(path): check its permissions")
        }
        handle.seekToEndOfFile()
        self.handle = Mutex(handle)
        self.path = path
    }

    func append(_ event: SyncEvent, destination: SyncEndpoint) {
        // Progress comes once per received chunk: it writes no line, so it must cost nothing here.
        if case .progress = event { return }
        var object: [String: Any] = ["at": EventLogTime.now()]
        switch event {
        case .copied(let item, let reason, let dryRun):
            guard !dryRun else { return }
            object["event"] = "copied"
            object["name"] = item.name
            object["size"] = item.size
            object["reason"] = reason.rawValue
            object["sha1"] = item.sha1 ?? item.version?.knownSHA1
            if case .folder(let root) = destination { object["path"] = root + "/" + item.name }
        case .deleted(let item, let dryRun):
            guard !dryRun else { return }
            object["event"] = "deleted"
            object["name"] = item.name
        case .failed(let name, let error):
            object["event"] = "failed"
            object["name"] = name
            object["error"] = error.message
        case .refused(let name, let reason):
            object["event"] = "refused"
            object["name"] = name
            object["reason"] = reason
        case .progress:
            return
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        handle.withLock { $0.write(data + Data("\n".utf8)) }
    }
}
