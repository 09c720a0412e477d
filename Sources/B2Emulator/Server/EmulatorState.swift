import B2SigV4
import Crypto
import Foundation
import GRDB
import Hummingbird
import Synchronization

/// Everything a request handler needs: configuration, metadata, blobs, keys and the token signer.
struct EmulatorState: Sendable {
    let configuration: EmulatorConfiguration
    let database: EmulatorDatabase
    let blobs: BlobStore
    let signer: TokenSigner
    let accountId: String
    let keys: KeyCache
    /// The master key this run uses.
    let masterKey: KeyRecord
    /// True when the master key was generated on this start (so the caller prints it once).
    let masterKeyIsNew: Bool
    /// The one clock every timestamp comes from.
    let clock: EmulatorClock

    /// Server-side encryption, with this data folder's SSE-B2 key.
    let encryption: Encryption

    /// Object Lock's rules, on this state's clock.
    var objectLock: ObjectLock { ObjectLock(clock: clock) }
    /// Recent download-by-name lookups, valid until the next write.
    let downloadLookups = DownloadLookupCache()
    /// Bytes of recently downloaded small blobs.
    let smallBlobs = SmallBlobCache()
    /// One run at a time of each sweep.
    let sweepLocks = SweepLocks()
    /// Event notification delivery's memory between passes (failures, delays, injected faults).
    let notifications: NotificationDeliveryState

    /// Opens the data folder: creates folders and database, loads or creates the account and master key.
    static func open(_ configuration: EmulatorConfiguration) async throws -> EmulatorState {
        let root = configuration.dataDirectory
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            guard FileManager.default.isWritableFile(atPath: root) else { throw CocoaError(.fileWriteNoPermission) }
        } catch {
            throw EmulatorStartupError("cannot use data folder \(root): create it or choose a writable --data folder")
        }
        let database = try EmulatorDatabase(path: root + "/metadata.sqlite")
        let blobs = try BlobStore(root: root)
        let clock = EmulatorClock(offsetMilliseconds: configuration.clockOffsetMilliseconds)
        let now = clock.nowMillis()
        let (accountId, secret, sseB2Key, master, isNew) = try await database.write { db in
            func setting(_ name: String, orNew make: () -> String) throws -> String {
                if let value = try SettingRecord.fetchOne(db, key: name)?.value { return value }
                let value = make()
                try SettingRecord(name: name, value: value).insert(db)
                return value
            }
            let accountId = try setting("accountId") { Identifiers.hex(bytes: 6) }
            let secret = try setting("tokenSecret") { Identifiers.hex(bytes: 32) }
            let sseB2Key = try setting("sseB2Key") { Identifiers.hex(bytes: 32) }
            var master = try KeyRecord.filter(KeyRecord.Columns.isMaster == true).fetchOne(db)
            var isNew = false
            if let id = configuration.masterKeyId, let key = configuration.masterKey {
                if master?.applicationKeyId != id || master?.applicationKey != key {
                    try KeyRecord.filter(KeyRecord.Columns.isMaster == true).deleteAll(db)
                    master = KeyRecord.master(id: id, key: key, now: now)
                    try master!.insert(db)
                }
            } else if master == nil {
                master = KeyRecord.master(
                    id: "000" + accountId + "0000000000",
                    key: "K000" + Identifiers.base62(count: 27),
                    now: now
                )
                try master!.insert(db)
                isNew = true
            }
            return (accountId, secret, sseB2Key, master!, isNew)
        }
        let keys = KeyCache(try await database.writer.read { db in try KeyRecord.fetchAll(db) })
        let state = EmulatorState(
            configuration: configuration,
            database: database,
            blobs: blobs,
            signer: TokenSigner(secret: secret),
            accountId: accountId,
            keys: keys,
            masterKey: master,
            masterKeyIsNew: isNew,
            clock: clock,
            encryption: Encryption(sseB2Key: AESKey(bytes: Hex.bytes(sseB2Key) ?? [])),
            notifications: NotificationDeliveryState(faults: configuration.faults)
        )
        try await state.removeOrphans()
        return state
    }

    /// Removes blobs and part folders no row refers to (left by a crash between writing bytes and committing).
    private func removeOrphans() async throws {
        let (blobNames, partFiles) = try await database.writer.read { db in
            (
                Set(try String.fetchAll(db, sql: "SELECT DISTINCT blob FROM file WHERE blob IS NOT NULL")),
                Set(try String.fetchAll(db, sql: "SELECT fileId FROM file WHERE action = 'start'"))
            )
        }
        let manager = FileManager.default
        for name in (try? manager.contentsOfDirectory(atPath: blobs.root + "/blobs")) ?? []
        where !blobNames.contains(name) {
            if partFiles.contains(name) {
                // A crash came between promoting a large file's parts and committing it: it is still unfinished.
                blobs.demoteParts(fileId: name)
            } else {
                blobs.remove(blobs.blobPath(name))
            }
        }
        for name in (try? manager.contentsOfDirectory(atPath: blobs.root + "/parts")) ?? []
        where !partFiles.contains(name) {
            blobs.remove(blobs.partDirectory(fileId: name))
        }
    }
}

extension KeyRecord {
    static func master(id: String, key: String, now: Int64) -> KeyRecord {
        KeyRecord(
            applicationKeyId: id,
            applicationKey: key,
            keyName: "master",
            capabilities: Capability.all.joined(separator: ","),
            bucketIds: nil,
            namePrefix: nil,
            expirationTimestamp: nil,
            isMaster: true,
            createdAt: now
        )
    }
}

/// Application keys by id, in memory, kept in step with the database by the key handlers.
final class KeyCache: Sendable {
    private let keys: Mutex<[String: KeyRecord]>

    init(_ records: [KeyRecord]) {
        keys = Mutex(Dictionary(records.map { ($0.applicationKeyId, $0) }, uniquingKeysWith: { $1 }))
    }

    subscript(id: String) -> KeyRecord? { keys.withLock { $0[id] } }

    func store(_ key: KeyRecord) { keys.withLock { $0[key.applicationKeyId] = key } }

    func remove(_ id: String) { keys.withLock { $0[id] = nil } }
}

/// Random identifiers in B2's shapes.
enum Identifiers {
    static func hex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.string((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static func base62(count: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return String((0..<count).map { _ in alphabet.randomElement()! })
    }

    static func bucketId() -> String { hex(bytes: 12) }

    /// What a file id says about its version, in the digit after `_f` (b2sdk's `FileVersion` reads it).
    enum FileKind: Int {
        /// An upload of one request, a copy, or a hide marker.
        case small = 1
        /// A large file, from `b2_start_large_file` or an S3 multipart upload.
        case large = 2
    }

    /// A file id in B2's layout, 83 characters:
    /// `4_z<bucket id>_f<kind><15 hex>_d<yyyymmdd>_m<hhmmss>_c<cluster>_v<vault>_t<tail>`, for example
    /// `4_z27c88f1d182b150646ff0b16_f1004ba650fe24e6b_d20150809_m012853_c100_v0009990_t0003`; the date and time are
    /// the version's upload time in UTC.
    static func fileId(bucketId: String, kind: FileKind, uploadTimestamp: Int64) -> String {
        let seconds = uploadTimestamp >= 0 ? uploadTimestamp / 1000 : (uploadTimestamp - 999) / 1000
        let (days, secondOfDay) = CivilDate.split(seconds: seconds)
        let day = CivilDate.text(days: days, separator: "")
        let time = CivilDate.time(secondOfDay: secondOfDay, separator: "")
        let random = String(hex(bytes: 8).dropFirst())
        return "4_z\(bucketId)_f\(kind.rawValue)\(random)_d\(day)_m\(time)_c000_v0001000_t0001"
    }

    static func keyId(accountId: String) -> String { "000" + accountId + hex(bytes: 5) }
}
