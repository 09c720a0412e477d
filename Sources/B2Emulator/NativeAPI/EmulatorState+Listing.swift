import B2JSON
import GRDB

extension EmulatorState {
    private static let scanBatch = 1000

    /// `b2_list_file_names`: the latest visible version of each name, with optional folders by delimiter.
    func listFileNames(_ call: APICall) async throws -> JSONValue {
        let query = try listingQuery(call)
        var cursor = String.byteMax(try call.parameters.optionalString("startFileName") ?? "", query.prefix)
        // Whether the cursor's own name is still to be read. After a file the scan goes on strictly after its name:
        // a "NAME\0" bound would be cut at the NUL by SQLite and return NAME again (twice across a page boundary).
        var inclusive = true
        var entries: [JSONValue] = []
        var nextFileName: String?
        scan: while true {
            let (rows, settings) = try await database.writer.read { [cursor, inclusive] db in
                let rows = try FileRecord.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM file AS f WHERE f.bucketId = ? AND f.fileName \(inclusive ? ">=" : ">") ?
                        AND f.action = 'upload'
                        AND f.seq = (SELECT MAX(g.seq) FROM file AS g WHERE g.bucketId = f.bucketId
                                     AND g.fileName = f.fileName AND g.action != 'start')
                        ORDER BY f.fileName LIMIT ?
                        """,
                    arguments: [query.bucketId, cursor, Self.scanBatch]
                )
                return (rows, try FileSettings.loadAll(db, bucketId: query.bucketId, fileIds: rows.map(\.fileId)))
            }
            for row in rows {
                guard row.fileName.hasBytePrefix(query.prefix) else { break scan }
                let entry = query.entry(for: row.fileName)
                if entries.count == query.maxCount {
                    nextFileName = entry.name
                    break scan
                }
                if entry.isFolder {
                    entries.append(
                        Rendering.folder(
                            entry.name, bucketId: query.bucketId, accountId: accountId, version: call.version)
                    )
                    cursor = Self.successor(ofFolder: entry.name)
                    inclusive = true
                    continue scan
                }
                entries.append(
                    Rendering.file(
                        row, settings: settings[row.fileId] ?? .init(), accountId: accountId,
                        principal: call.principal,
                        version: call.version))
                cursor = row.fileName
                inclusive = false
            }
            if rows.count < Self.scanBatch { break }
        }
        return ["files": .array(entries), "nextFileName": .optional(nextFileName)]
    }

    /// `b2_list_file_versions`: every version, hide marker and unfinished large file, newest first per name.
    func listFileVersions(_ call: APICall) async throws -> JSONValue {
        let query = try listingQuery(call)
        let startName = try call.parameters.optionalString("startFileName")
        let startFileId = try call.parameters.optionalString("startFileId")
        if startFileId != nil, startName == nil {
            throw B2APIError.badRequest("startFileId is only valid together with startFileName")
        }
        var cursorName = String.byteMax(startName ?? "", query.prefix)
        var cursorSeq = Int64.max
        if let startFileId {
            guard
                let start = try await database.writer.read({ db in
                    try FileRecord.filter(FileRecord.Columns.fileId == startFileId).fetchOne(db)
                }), start.bucketId == query.bucketId
            else {
                throw B2APIError(
                    .badRequest, "invalid_file_id", "startFileId \(startFileId) is not a file in this bucket")
            }
            if start.fileName == cursorName { cursorSeq = start.seq! }
        }
        var entries: [JSONValue] = []
        var next: (name: String, fileId: String?)?
        scan: while true {
            let (rows, settings) = try await database.writer.read { [cursorName, cursorSeq] db in
                let rows = try FileRecord.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM file WHERE bucketId = ? AND (fileName > ? OR (fileName = ? AND seq <= ?))
                        ORDER BY fileName, seq DESC LIMIT ?
                        """,
                    arguments: [query.bucketId, cursorName, cursorName, cursorSeq, Self.scanBatch]
                )
                return (rows, try FileSettings.loadAll(db, bucketId: query.bucketId, fileIds: rows.map(\.fileId)))
            }
            for row in rows {
                guard row.fileName.hasBytePrefix(query.prefix) else { break scan }
                let entry = query.entry(for: row.fileName)
                if entries.count == query.maxCount {
                    next = (entry.name, entry.isFolder ? nil : row.fileId)
                    break scan
                }
                if entry.isFolder {
                    entries.append(
                        Rendering.folder(
                            entry.name, bucketId: query.bucketId, accountId: accountId, version: call.version)
                    )
                    cursorName = Self.successor(ofFolder: entry.name)
                    cursorSeq = Int64.max
                    continue scan
                }
                entries.append(
                    Rendering.file(
                        row, settings: settings[row.fileId] ?? .init(), accountId: accountId,
                        principal: call.principal,
                        version: call.version))
                cursorName = row.fileName
                cursorSeq = row.seq! - 1
            }
            if rows.count < Self.scanBatch { break }
        }
        return [
            "files": .array(entries),
            "nextFileName": .optional(next?.name),
            "nextFileId": .optional(next?.fileId),
        ]
    }

    /// The parameters every listing shares, checked against the key.
    private func listingQuery(_ call: APICall) throws -> ListingQuery {
        let principal = call.principal!
        try principal.require("listFiles")
        let bucketId = try call.parameters.string("bucketId")
        try principal.requireBucket(bucketId)
        let prefix = try call.parameters.optionalString("prefix") ?? ""
        try principal.requireListingPrefix(prefix)
        let maxCount = try call.parameters.optionalInt("maxFileCount") ?? 100
        guard (1...10_000).contains(maxCount) else {
            throw B2APIError.outOfRange("maxFileCount must be between 1 and 10000, not \(maxCount)")
        }
        let delimiter = try call.parameters.optionalString("delimiter").flatMap { $0.isEmpty ? nil : $0 }
        return ListingQuery(bucketId: bucketId, prefix: prefix, delimiter: delimiter, maxCount: Int(maxCount))
    }

    /// The smallest string after every name that starts with `folder` (whose last character is the delimiter).
    static func successor(ofFolder folder: String) -> String {
        var scalars = Array(folder.unicodeScalars)
        guard let last = scalars.popLast(), let next = Unicode.Scalar(last.value + 1) else {
            return folder + "\u{10FFFF}"
        }
        scalars.append(next)
        return String(String.UnicodeScalarView(scalars))
    }
}

/// What one listing call asked for.
struct ListingQuery {
    let bucketId: String
    let prefix: String
    let delimiter: String?
    let maxCount: Int

    /// The entry a name lists as: itself, or the folder that holds it when a delimiter follows the prefix.
    func entry(for name: String) -> (name: String, isFolder: Bool) {
        guard let delimiter else { return (name, false) }
        let rest = name.droppingBytes(prefix.utf8.count)
        guard let range = rest.range(of: delimiter) else { return (name, false) }
        return (prefix + rest[..<range.upperBound], true)
    }
}
