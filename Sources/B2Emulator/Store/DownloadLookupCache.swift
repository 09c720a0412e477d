import Synchronization

/// What a download by name resolves to: the bucket and the latest version of the name (nil when none).
struct DownloadLookup: Sendable {
    let bucket: BucketRecord
    let latest: FileRecord?
    /// The latest version's lock, encryption and replication status.
    let settings: FileSettings
}

/// Remembers recent download-by-name lookups until the next metadata write, so repeated downloads of the same
/// names skip the database.
final class DownloadLookupCache: Sendable {
    private struct Entry {
        let generation: UInt64
        let lookup: DownloadLookup
    }

    private static let maximumEntries = 65_536
    private let entries = Mutex<[String: Entry]>([:])

    private static func key(_ bucketName: String, _ fileName: String) -> String {
        bucketName + "\u{0}" + fileName
    }

    /// The cached lookup, if it was read at `generation`.
    func lookup(bucketName: String, fileName: String, generation: UInt64) -> DownloadLookup? {
        entries.withLock { entries in
            guard let entry = entries[Self.key(bucketName, fileName)], entry.generation == generation else {
                return nil
            }
            return entry.lookup
        }
    }

    /// Stores a lookup read at `generation` (sampled before the query).
    func store(_ lookup: DownloadLookup, bucketName: String, fileName: String, generation: UInt64) {
        entries.withLock { entries in
            if entries.count >= Self.maximumEntries { entries.removeAll(keepingCapacity: true) }
            entries[Self.key(bucketName, fileName)] = Entry(generation: generation, lookup: lookup)
        }
    }
}
