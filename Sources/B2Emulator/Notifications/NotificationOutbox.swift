import GRDB

/// One event waiting to be delivered to one rule's target: written in the transaction of the change that caused
/// it (so a crash loses no event), deleted once the target has answered 2xx. Rows of one rule are delivered in
/// the order they were written, so no object's events are ever reordered.
struct NotificationOutboxRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "notification_outbox"
    /// Order of writing.
    var seq: Int64?
    var bucketId: String
    /// The rule the event matched (`matchedRuleName`).
    var ruleName: String
    var eventId: String
    var eventType: String
    /// The object's name, size and version id; nil for `b2:TestEvent`, which concerns no object.
    var objectName: String?
    var objectSize: Int64?
    var objectVersionId: String?
    /// Milliseconds since the epoch, on the emulator's clock.
    var eventTimestamp: Int64

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let bucketId = Column(CodingKeys.bucketId)
        static let ruleName = Column(CodingKeys.ruleName)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }
}

enum NotificationOutbox {
    /// Queues `event` for every enabled rule of its bucket whose event types and prefix match it.
    static func enqueue(_ event: ObjectEventRecord, db: Database) throws {
        let rules = try NotificationRuleRecord.filter(
            NotificationRuleRecord.Columns.bucketId == event.bucketId && Column("isEnabled") == true
        ).fetchAll(db)
        for rule in rules
        where event.objectName.hasBytePrefix(rule.objectNamePrefix)
            && rule.eventTypeList.contains(where: { NotificationRules.matches($0, event.eventType) })
        {
            var row = NotificationOutboxRecord(
                bucketId: event.bucketId, ruleName: rule.name, eventId: event.eventId, eventType: event.eventType,
                objectName: event.objectName, objectSize: event.objectSize, objectVersionId: event.objectVersionId,
                eventTimestamp: event.eventTimestamp)
            try row.insert(db)
        }
    }

    /// Queues the `b2:TestEvent` B2 sends to a rule when it is created.
    static func enqueueTestEvent(for rule: NotificationRuleRecord, now: Int64, db: Database) throws {
        var row = NotificationOutboxRecord(
            bucketId: rule.bucketId, ruleName: rule.name, eventId: Identifiers.hex(bytes: 16),
            eventType: "b2:TestEvent", eventTimestamp: now)
        try row.insert(db)
    }
}

enum NotificationOutboxMigration {
    /// Adds `notification_outbox`, dropped with its bucket (not with its rule: a set call replaces the rules, and
    /// the events queued for a rule that keeps its name stay queued).
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-notification-outbox") { db in
            try db.create(table: NotificationOutboxRecord.databaseTableName) { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("bucketId", .text).notNull().references("bucket", onDelete: .cascade)
                t.column("ruleName", .text).notNull()
                t.column("eventId", .text).notNull()
                t.column("eventType", .text).notNull()
                t.column("objectName", .text)
                t.column("objectSize", .integer)
                t.column("objectVersionId", .text)
                t.column("eventTimestamp", .integer).notNull()
            }
            try db.create(
                index: "notification_outbox_rule", on: NotificationOutboxRecord.databaseTableName,
                columns: ["bucketId", "ruleName", "seq"])
        }
    }
}
