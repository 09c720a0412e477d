import AsyncHTTPClient
import B2JSON
import B2SigV4
import Foundation
import GRDB
import NIOCore

/// Delivers the outbox as B2 does: for each rule with queued events, the oldest up to `maxEventsPerBatch` in one
/// POST of `{"events": [...]}` (signed when the rule has a secret, with its custom headers), answered 2xx within
/// ``timeout`` or tried again after a delay that doubles (``retryDelaySeconds(after:)``, on the emulator's clock).
/// A rule's events go one batch at a time, in order, so no object's events are reordered; after
/// ``attemptsBeforeSuspension`` failures in a row the rule is suspended with the reason, and its events wait until
/// a set call changes the rule. Events of a rule that was removed or disabled are dropped.
struct NotificationDelivery: Sendable {
    let state: EmulatorState

    /// How long a target has to answer.
    static let timeout = TimeAmount.seconds(3)
    /// Failed attempts in a row after which a rule is suspended.
    static let attemptsBeforeSuspension = 8

    /// Seconds before the next attempt after `failures` failures in a row: 1, 2, 4, ... up to 60.
    static func retryDelaySeconds(after failures: Int) -> Int64 {
        min(60, Int64(1) << min(max(failures - 1, 0), 6))
    }

    /// What one pass did.
    struct Outcome: Sendable, Equatable {
        var delivered = 0
        var failed = 0
        var suspended = 0

        mutating func add(_ other: Outcome) {
            delivered += other.delivered
            failed += other.failed
            suspended += other.suspended
        }
    }

    /// One pass: a batch for every rule that has queued events and is due, the rules in parallel.
    func run() async throws -> Outcome {
        let now = state.clock.nowMillis()
        let queued = try await state.database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT DISTINCT bucketId, ruleName FROM \(NotificationOutboxRecord.databaseTableName)"
            ).map { (bucketId: $0["bucketId"] as String, ruleName: $0["ruleName"] as String) }
        }
        let due = queued.filter {
            state.notifications.isDue(
                NotificationDeliveryState.key(bucketId: $0.bucketId, ruleName: $0.ruleName), nowMillis: now)
        }
        guard !due.isEmpty else { return Outcome() }
        return try await withThrowingTaskGroup(of: Outcome.self) { group in
            for rule in due {
                group.addTask { try await deliverBatch(bucketId: rule.bucketId, ruleName: rule.ruleName) }
            }
            var outcome = Outcome()
            for try await one in group { outcome.add(one) }
            return outcome
        }
    }

    /// Sends one rule's oldest batch, unless another pass is sending it.
    private func deliverBatch(bucketId: String, ruleName: String) async throws -> Outcome {
        let key = NotificationDeliveryState.key(bucketId: bucketId, ruleName: ruleName)
        guard state.notifications.claim(key) else { return Outcome() }
        defer { state.notifications.release(key) }
        return try await deliverClaimedBatch(bucketId: bucketId, ruleName: ruleName, key: key)
    }

    private func deliverClaimedBatch(bucketId: String, ruleName: String, key: String) async throws -> Outcome {
        let outbox = NotificationOutboxRecord.filter(
            NotificationOutboxRecord.Columns.bucketId == bucketId
                && NotificationOutboxRecord.Columns.ruleName == ruleName)
        let loaded = try await state.database.write {
            db -> (NotificationRuleRecord, String, [NotificationOutboxRecord])? in
            guard let rule = try NotificationRuleRecord.fetchOne(db, key: ["bucketId": bucketId, "name": ruleName]),
                rule.isEnabled, let bucket = try BucketRecord.fetchOne(db, key: bucketId)
            else {
                try outbox.deleteAll(db)
                return nil
            }
            guard !rule.isSuspended else { return nil }
            let rows = try outbox.order(NotificationOutboxRecord.Columns.seq).limit(rule.maxEventsPerBatch).fetchAll(db)
            return (rule, bucket.bucketName, rows)
        }
        guard let (rule, bucketName, rows) = loaded, !rows.isEmpty else { return Outcome() }
        let body = Self.body(rows, rule: rule, bucketName: bucketName, accountId: state.accountId)
        if let error = await post(body, to: rule) {
            let failures = state.notifications.failed(key, error: error, nowMillis: state.clock.nowMillis())
            state.configuration.logger.info(
                "event notification not delivered",
                metadata: ["rule": "\(ruleName)", "failures": "\(failures)", "reason": "\(error)"])
            guard failures >= Self.attemptsBeforeSuspension else { return Outcome(failed: 1) }
            let reason =
                "\(failures) deliveries in a row failed (the last: \(error)): fix the target, then set the rule "
                + "again with a change to resume it"
            try await state.database.write { db in
                try db.execute(
                    sql: """
                        UPDATE \(NotificationRuleRecord.databaseTableName) SET isSuspended = 1, suspensionReason = ?
                        WHERE bucketId = ? AND name = ?
                        """, arguments: [reason, bucketId, ruleName])
            }
            state.notifications.succeeded(key)
            return Outcome(failed: 1, suspended: 1)
        }
        state.notifications.succeeded(key)
        let delivered = rows.compactMap(\.seq)
        try await state.database.write { db in
            _ = try NotificationOutboxRecord.filter(keys: delivered).deleteAll(db)
        }
        return Outcome(delivered: rows.count)
    }

    /// Posts `body` to the rule's target; answers why it failed, or nil when the target took it.
    private func post(_ body: [UInt8], to rule: NotificationRuleRecord) async -> String? {
        switch state.notifications.faults?.draw(endpoint: "notification", isDownload: false) {
        case .dropConnection?: return "dropped by --faults"
        case .delay?: try? await Task.sleep(for: .milliseconds(state.notifications.faults?.plan.delayMilliseconds ?? 0))
        default: break
        }
        var request = HTTPClientRequest(url: rule.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "B2/EventNotifications (b2kit emulator)")
        if case .array(let headers) = rule.customHeaders.map(Rendering.jsonText) {
            for header in headers {
                if case .string(let name)? = header["name"], case .string(let value)? = header["value"] {
                    request.headers.add(name: name, value: value)
                }
            }
        }
        if let secret = rule.signingSecret {
            request.headers.add(
                name: EventNotificationSignature.header,
                value: EventNotificationSignature.value(body: body, secret: secret))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await HTTPClient.shared.execute(request, deadline: .now() + Self.timeout)
            _ = try? await response.body.collect(upTo: 1 << 16)
            return (200..<300).contains(response.status.code) ? nil : "HTTP \(response.status.code)"
        } catch {
            return "\(error)"
        }
    }

    /// The delivery body B2 sends: `{"events": [...]}`, each event with the rule's name.
    static func body(
        _ rows: [NotificationOutboxRecord], rule: NotificationRuleRecord, bucketName: String, accountId: String
    ) -> [UInt8] {
        let events: [JSONValue] = rows.map { row in
            var members: [(String, JSONValue)] = [
                ("accountId", .string(accountId)), ("bucketId", .string(row.bucketId)),
                ("bucketName", .string(bucketName)), ("eventId", .string(row.eventId)),
                ("eventTimestamp", .int(row.eventTimestamp)), ("eventType", .string(row.eventType)),
                ("eventVersion", 1), ("matchedRuleName", .string(rule.name)),
            ]
            if let name = row.objectName { members.append(("objectName", .string(name))) }
            if let size = row.objectSize { members.append(("objectSize", .int(size))) }
            if let id = row.objectVersionId { members.append(("objectVersionId", .string(id))) }
            return .object(members)
        }
        return Array(JSONValue.object([("events", .array(events))]).serialized().utf8)
    }
}
