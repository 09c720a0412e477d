import B2JSON
import B2Kit
import B2Sync
import Foundation

/// `b2kit catalog`: the objects a sync has delivered, from its state database.
public enum CatalogOperation {
    /// Prints the catalog rows under `prefix`, in name order, paging through the database.
    /// - Parameters:
    ///   - location: a destination folder (its `.b2kit-sync.db`) or the state database file itself.
    /// - Throws: `B2Error` `.usage` when there is no state database there.
    public static func show(_ context: CommandContext, location: String, prefix: String) async throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: location, isDirectory: &isFolder) else {
            throw B2Error(.usage, "\(location) does not exist: give a sync's destination folder or its --state file")
        }
        let path = isFolder.boolValue ? location + "/" + SyncState.fileName : location
        guard FileManager.default.fileExists(atPath: path) else {
            throw B2Error(
                .usage, "\(location) holds no sync state (\(SyncState.fileName)): run b2kit sync into it first"
            )
        }
        let state = try SyncState(path: path)
        var after: String?
        var count = 0
        while true {
            let page = try await state.catalog(prefix: prefix, after: after)
            for entry in page {
                count += 1
                if context.json {
                    context.printJSON(
                        CatalogRow(
                            name: entry.name, size: entry.size, modifiedMillis: entry.modifiedMillis,
                            syncedAt: entry.syncedAt, sha1: entry.sha1, contentType: entry.contentType,
                            uploadTimestamp: entry.uploadTimestamp, localPath: entry.localPath,
                            fileInfo: entry.fileInfo.flatMap { try? JSONParser.parse(Array($0.utf8)) }))
                } else {
                    let size = String(entry.size).leftPadded(to: 12)
                    context.say("\(size)  \(entry.sha1 ?? String(repeating: "-", count: 40))  \(entry.name)")
                }
            }
            guard page.count == 1000, let last = page.last else { break }
            after = last.name
        }
        if !context.json { context.say("\(count) objects in \(path)") }
    }
}
