import B2JSON
import GRDB

/// The native calls of event notifications: `b2_set_bucket_notification_rules` and
/// `b2_get_bucket_notification_rules`, both answered `{"bucketId", "eventNotificationRules"}`.
struct NotificationCalls: Sendable {
    let state: EmulatorState

    /// `b2_set_bucket_notification_rules`: replaces all rules of the bucket with the ones sent; a new enabled rule
    /// gets a `b2:TestEvent`, as B2 sends one.
    func setRules(_ call: APICall) async throws -> JSONValue {
        let bucketId = try await bucket(of: call, needing: "writeBucketNotifications")
        let sent = call.parameters.optionalRaw("eventNotificationRules")
        let now = state.clock.nowMillis()
        let rules = try await state.database.write { db in
            let previous = try Self.rules(of: bucketId, db: db)
            let rules = try NotificationRules.rules(sent, bucketId: bucketId, previous: previous)
            try NotificationRuleRecord.filter(NotificationRuleRecord.Columns.bucketId == bucketId).deleteAll(db)
            for rule in rules {
                try rule.insert(db)
                if rule.isEnabled, !previous.contains(where: { $0.name == rule.name }) {
                    try NotificationOutbox.enqueueTestEvent(for: rule, now: now, db: db)
                }
            }
            return rules
        }
        return Self.reply(bucketId: bucketId, rules: rules)
    }

    /// `b2_get_bucket_notification_rules`.
    func getRules(_ call: APICall) async throws -> JSONValue {
        let bucketId = try await bucket(of: call, needing: "readBucketNotifications")
        let rules = try await state.database.writer.read { db in try Self.rules(of: bucketId, db: db) }
        return Self.reply(bucketId: bucketId, rules: rules)
    }

    /// The call's `bucketId`, once the caller is shown to hold `capability` for that existing bucket.
    private func bucket(of call: APICall, needing capability: String) async throws -> String {
        let principal = call.principal!
        try principal.require(capability)
        let bucketId = try call.parameters.string("bucketId")
        try principal.requireBucket(bucketId)
        _ = try await state.bucket(bucketId)
        return bucketId
    }

    /// A bucket's rules in the order they were set.
    static func rules(of bucketId: String, db: Database) throws -> [NotificationRuleRecord] {
        try NotificationRuleRecord.filter(NotificationRuleRecord.Columns.bucketId == bucketId)
            .order(NotificationRuleRecord.Columns.position).fetchAll(db)
    }

    private static func reply(bucketId: String, rules: [NotificationRuleRecord]) -> JSONValue {
        ["bucketId": .string(bucketId), "eventNotificationRules": .array(rules.map(NotificationRules.render))]
    }
}
