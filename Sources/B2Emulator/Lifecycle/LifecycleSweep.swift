import GRDB

/// Applies the buckets' lifecycle rules at the emulator clock's time, as B2 does about once a day:
/// - a name's newest version, when it is an upload `daysFromUploadingToHiding` days old, gets a hide marker;
/// - a version hidden (by a newer version or a hide marker) for `daysFromHidingToDeleting` days is deleted, unless
///   Object Lock protects it; a hide marker goes the same number of days after it was made, once no older version
///   of its name is left;
/// - an unfinished large file started `daysFromStartingToCancelingUnfinishedLargeFiles` days ago is canceled.
///
/// Hides and deletions are recorded as `b2:HideMarkerCreated:LifecycleRule` and `b2:ObjectDeleted:LifecycleRule`
/// events in the same transaction. Names are taken a page at a time, so a sweep never holds a bucket's listing.
struct LifecycleSweep: Sendable {
    let state: EmulatorState

    static let day: Int64 = 86_400_000
    static let namesPerPage = 200

    /// What one sweep did.
    struct Outcome: Sendable, Equatable {
        var hidden = 0
        var deleted = 0
        var canceled = 0
    }

    /// Applies every bucket's rules once.
    func run() async throws -> Outcome {
        try await state.sweepLocks.lifecycle.run { try await runAlone() }
    }

    private func runAlone() async throws -> Outcome {
        let buckets = try await state.database.writer.read { db in
            try BucketRecord.filter(sql: "lifecycleRules != '[]'").fetchAll(db)
        }
        var outcome = Outcome()
        for bucket in buckets {
            for rule in try LifecycleRule.rules(stored: bucket.lifecycleRules) {
                try Task.checkCancellation()
                if rule.daysFromUploadingToHiding != nil || rule.daysFromHidingToDeleting != nil {
                    try await applyToVersions(rule, bucketId: bucket.bucketId, outcome: &outcome)
                }
                if let days = rule.daysFromStartingToCancelingUnfinishedLargeFiles {
                    try await cancelUnfinished(
                        rule.fileNamePrefix, days: days, bucketId: bucket.bucketId, outcome: &outcome)
                }
            }
        }
        return outcome
    }

    private func applyToVersions(_ rule: LifecycleRule, bucketId: String, outcome: inout Outcome) async throws {
        let prefix = rule.fileNamePrefix
        var after: String?
        while true {
            let page = try await state.database.writer.read { [after] db in
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT fileName FROM file
                        WHERE bucketId = ? AND fileName >= ? AND (? IS NULL OR fileName > ?) AND action != 'start'
                        ORDER BY fileName LIMIT ?
                        """,
                    arguments: [bucketId, prefix, after, after, Self.namesPerPage])
            }
            // Names sort bytewise, so the first name without the prefix ends the rule's names.
            let names = page.prefix { $0.utf8.starts(with: prefix.utf8) }
            for name in names {
                try await applyToName(name, rule: rule, bucketId: bucketId, outcome: &outcome)
            }
            guard names.count == Self.namesPerPage, let last = names.last else { return }
            after = last
        }
    }

    private func applyToName(
        _ name: String, rule: LifecycleRule, bucketId: String, outcome: inout Outcome
    ) async throws {
        let objectLock = state.objectLock
        let now = state.clock.nowMillis()
        let (hidden, removed) = try await state.database.write { db -> (Bool, [(FileRecord, String?)]) in
            let versions = try FileRecord.filter(
                FileRecord.Columns.bucketId == bucketId && FileRecord.Columns.fileName == name
                    && FileRecord.Columns.action != "start"
            ).order(FileRecord.Columns.seq).fetchAll(db)
            guard let newest = versions.last else { return (false, []) }
            var hidden = false
            if let days = rule.daysFromUploadingToHiding, newest.action != "hide",
                now >= newest.uploadTimestamp + days * Self.day
            {
                let marker = FileRecord.hideMarker(bucketId: bucketId, fileName: name, now: now)
                try marker.insert(db)
                try ObjectEventRecord.record(ObjectEventType.lifecycleHide, of: marker, now: now, db: db)
                hidden = true
            }
            guard let days = rule.daysFromHidingToDeleting else { return (hidden, []) }
            let locks = try ObjectLock.locks(db, bucketId: bucketId, fileIds: versions.map(\.fileId))
            var removed: [(FileRecord, String?)] = []
            func remove(_ version: FileRecord) throws {
                removed.append((version, try EmulatorState.deleteRow(of: version, db: db)))
                try ObjectEventRecord.record(ObjectEventType.lifecycleDelete, of: version, now: now, db: db)
            }
            var kept = 0
            for (index, version) in versions.enumerated().dropLast() {
                let hiddenAt = versions[index + 1].uploadTimestamp
                let unprotected =
                    (try? objectLock.checkDeletion(of: locks[version.fileId], bypassGovernance: false, principal: nil))
                    != nil
                guard now >= hiddenAt + days * Self.day, unprotected else {
                    kept += 1
                    continue
                }
                try remove(version)
            }
            if newest.action == "hide", kept == 0, now >= newest.uploadTimestamp + days * Self.day {
                try remove(newest)
            }
            return (hidden, removed)
        }
        for (version, orphanedBlob) in removed { state.removeBytes(of: version, orphanedBlob: orphanedBlob) }
        outcome.hidden += hidden ? 1 : 0
        outcome.deleted += removed.count
    }

    private func cancelUnfinished(
        _ prefix: String, days: Int64, bucketId: String, outcome: inout Outcome
    ) async throws {
        let cutoff = state.clock.nowMillis() - days * Self.day
        var afterSeq: Int64 = 0
        while true {
            let page = try await state.database.writer.read { [afterSeq] db in
                try FileRecord.filter(
                    FileRecord.Columns.bucketId == bucketId && FileRecord.Columns.action == "start"
                        && FileRecord.Columns.seq > afterSeq && Column("uploadTimestamp") <= cutoff
                ).order(FileRecord.Columns.seq).limit(Self.namesPerPage).fetchAll(db)
            }
            for file in page where file.fileName.utf8.starts(with: prefix.utf8) {
                // A client may have finished or canceled it since the read: only a file still unfinished goes.
                let canceled = try await state.database.write { db -> Bool in
                    let unfinished = FileRecord.filter(
                        FileRecord.Columns.fileId == file.fileId && FileRecord.Columns.action == "start")
                    guard try unfinished.fetchCount(db) == 1 else { return false }
                    _ = try EmulatorState.deleteRow(of: file, db: db)
                    return true
                }
                guard canceled else { continue }
                state.removeBytes(of: file, orphanedBlob: nil)
                outcome.canceled += 1
            }
            guard page.count == Self.namesPerPage, let last = page.last?.seq else { return }
            afterSeq = last
        }
    }
}
