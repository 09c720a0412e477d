import B2JSON
import B2SigV4
import Foundation
import GRDB

/// A bucket's event notification rule, as `b2_set_bucket_notification_rules` takes it and B2 validates it: which
/// events (`eventTypes`, `objectNamePrefix`) go to which webhook (`targetConfiguration`), signed with an optional
/// secret. A bucket's rules are rows in `position` order, replaced together by each set call.
struct NotificationRuleRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "notification_rule"
    var bucketId: String
    /// The rule's place in the list the set call sent.
    var position: Int
    var name: String
    /// The event types, as a JSON array of strings.
    var eventTypes: String
    var objectNamePrefix: String
    var isEnabled: Bool
    var maxEventsPerBatch: Int
    var url: String
    /// `[{"name", "value"}]` as JSON text, or nil when the rule sends no custom headers.
    var customHeaders: String?
    var signingSecret: String?
    var isSuspended: Bool
    var suspensionReason: String

    enum Columns {
        static let bucketId = Column(CodingKeys.bucketId)
        static let position = Column(CodingKeys.position)
    }

    /// The event types as a list.
    var eventTypeList: [String] {
        guard case .array(let items) = Rendering.jsonText(eventTypes) else { return [] }
        return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }
}

enum NotificationRules {
    /// The most rules a bucket may have.
    static let maximumRules = 25

    /// The event types a rule may name.
    static let eventTypes: Set<String> = [
        "b2:ObjectCreated:*", "b2:ObjectCreated:Upload", "b2:ObjectCreated:MultipartUpload", "b2:ObjectCreated:Copy",
        "b2:ObjectCreated:Replica", "b2:ObjectCreated:MultipartReplica", "b2:ObjectDeleted:*",
        "b2:ObjectDeleted:Delete", "b2:ObjectDeleted:LifecycleRule", "b2:HideMarkerCreated:*",
        "b2:HideMarkerCreated:Hide", "b2:HideMarkerCreated:LifecycleRule",
    ]

    /// The rules a set call sends, validated as B2 does; a rule sent again unchanged keeps its suspension, and a
    /// change (a fixed URL, for one) resumes it.
    static func rules(_ value: JSONValue?, bucketId: String, previous: [NotificationRuleRecord]) throws
        -> [NotificationRuleRecord]
    {
        guard case .array(let items)? = value else {
            throw B2APIError.badRequest("eventNotificationRules must be an array of rules ([] removes them all)")
        }
        guard items.count <= maximumRules else {
            throw B2APIError.badRequest(
                "A bucket may have \(maximumRules) event notification rules; this call sends \(items.count)")
        }
        var names = Set<String>()
        var rules: [NotificationRuleRecord] = []
        for (position, item) in items.enumerated() {
            var rule = try self.rule(item, bucketId: bucketId, position: position)
            guard names.insert(rule.name).inserted else {
                throw B2APIError.badRequest("Two event notification rules are named \(rule.name): names must be unique")
            }
            if let old = previous.first(where: { $0.name == rule.name }) {
                var unchanged = old
                unchanged.position = rule.position
                unchanged.isSuspended = rule.isSuspended
                unchanged.suspensionReason = rule.suspensionReason
                if unchanged == rule {
                    rule.isSuspended = old.isSuspended
                    rule.suspensionReason = old.suspensionReason
                }
            }
            rules.append(rule)
        }
        try checkOverlaps(rules)
        return rules
    }

    private static func rule(_ item: JSONValue, bucketId: String, position: Int) throws -> NotificationRuleRecord {
        guard case .object = item else { throw B2APIError.badRequest("Each event notification rule must be an object") }
        guard case .string(let name)? = item["name"] else {
            throw B2APIError.badRequest("An event notification rule needs a name")
        }
        try checkName(name)
        guard case .array(let types)? = item["eventTypes"], !types.isEmpty else {
            throw B2APIError(
                .badRequest, "event_type_missing",
                "Rule \(name) needs eventTypes: a list such as [\"b2:ObjectCreated:*\"]")
        }
        var typeNames: [String] = []
        for type in types {
            guard case .string(let text) = type, eventTypes.contains(text) else {
                throw B2APIError(
                    .badRequest, "event_type_invalid",
                    "Rule \(name) names event type \(type.serialized()); use one of "
                        + eventTypes.sorted().joined(separator: ", "))
            }
            guard !typeNames.contains(text) else {
                throw B2APIError(.badRequest, "event_type_duplicate", "Rule \(name) names \(text) twice")
            }
            typeNames.append(text)
        }
        guard case .bool(let isEnabled)? = item["isEnabled"] else {
            throw B2APIError.badRequest("Rule \(name) needs isEnabled, true or false")
        }
        guard case .string(let prefix)? = item["objectNamePrefix"] else {
            throw B2APIError.badRequest("Rule \(name) needs objectNamePrefix (\"\" for every object)")
        }
        var batch = 1
        if let value = item["maxEventsPerBatch"], value != .null {
            guard case .int(let count) = value, (1...50).contains(count) else {
                throw B2APIError.badRequest("Rule \(name): maxEventsPerBatch must be a number from 1 to 50")
            }
            batch = Int(count)
        }
        guard case .object = item["targetConfiguration"], let target = item["targetConfiguration"] else {
            throw B2APIError.badRequest(
                "Rule \(name) needs targetConfiguration: {\"targetType\": \"webhook\", \"url\"}")
        }
        guard target["targetType"] == "webhook" else {
            throw B2APIError.badRequest("Rule \(name): targetConfiguration.targetType must be webhook")
        }
        guard case .string(let url)? = target["url"] else {
            throw B2APIError.badRequest("Rule \(name) needs targetConfiguration.url, the webhook's https:// address")
        }
        try checkURL(url, rule: name)
        var secret: String?
        if let value = target["hmacSha256SigningSecret"], value != .null {
            guard case .string(let text) = value, EventNotificationSignature.isValidSecret(text) else {
                throw B2APIError.badRequest("Rule \(name): hmacSha256SigningSecret must be 32 letters and digits")
            }
            secret = text
        }
        return NotificationRuleRecord(
            bucketId: bucketId, position: position, name: name,
            eventTypes: JSONValue.array(typeNames.map { .string($0) }).serialized(), objectNamePrefix: prefix,
            isEnabled: isEnabled, maxEventsPerBatch: batch, url: url,
            customHeaders: try customHeaders(target["customHeaders"], rule: name), signingSecret: secret,
            isSuspended: false, suspensionReason: "")
    }

    private static func checkName(_ name: String) throws {
        guard (6...63).contains(name.count),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else {
            throw B2APIError.badRequest(
                "Event notification rule name \(name) must be 6 to 63 letters, digits or '-'")
        }
        guard !name.lowercased().hasPrefix("b2-") else {
            throw B2APIError.badRequest("Event notification rule names may not start with b2-: \(name)")
        }
    }

    /// An https address, or http on loopback (a local receiver under test).
    private static func checkURL(_ url: String, rule: String) throws {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw B2APIError.badRequest("Rule \(rule): targetConfiguration.url \(url) is not an address")
        }
        switch components.scheme?.lowercased() {
        case "https":
            return
        case "http" where ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()):
            return
        default:
            throw B2APIError.badRequest(
                "Rule \(rule): targetConfiguration.url must be https:// (http:// only to 127.0.0.1 or localhost)")
        }
    }

    private static func customHeaders(_ value: JSONValue?, rule: String) throws -> String? {
        guard let value, value != .null else { return nil }
        guard case .array(let items) = value, items.count <= 10 else {
            throw B2APIError.badRequest(
                "Rule \(rule): customHeaders must be a list of at most 10 {\"name\", \"value\"} objects")
        }
        let token = CharacterSet(charactersIn: "!#$%&'*+-.^_`|~").union(.alphanumerics)
        for item in items {
            guard case .string(let name)? = item["name"], case .string(let text)? = item["value"], !name.isEmpty,
                name.unicodeScalars.allSatisfy({ $0.isASCII && token.contains($0) })
            else {
                throw B2APIError.badRequest("Rule \(rule): each custom header needs a name (a header name) and a value")
            }
            guard !name.lowercased().hasPrefix("x-bz-") else {
                throw B2APIError.badRequest("Rule \(rule): custom header \(name) may not start with X-Bz-")
            }
            guard !text.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                throw B2APIError.badRequest("Rule \(rule): custom header \(name) has a line break in its value")
            }
        }
        return value.serialized()
    }

    /// No two rules may match the same event for overlapping prefixes (one a prefix of the other).
    private static func checkOverlaps(_ rules: [NotificationRuleRecord]) throws {
        for (index, first) in rules.enumerated() {
            for second in rules[(index + 1)...] {
                guard
                    first.objectNamePrefix.hasBytePrefix(second.objectNamePrefix)
                        || second.objectNamePrefix.hasBytePrefix(first.objectNamePrefix)
                else { continue }
                for a in first.eventTypeList {
                    for b in second.eventTypeList where overlap(a, b) {
                        throw B2APIError(
                            .badRequest, "event_type_overlap",
                            "Rules \(first.name) and \(second.name) both match \(a == b ? a : "\(a) and \(b)") for "
                                + "overlapping prefixes \"\(first.objectNamePrefix)\" and "
                                + "\"\(second.objectNamePrefix)\": give them distinct prefixes or event types")
                    }
                }
            }
        }
    }

    /// True when both event types match some event (`b2:ObjectCreated:*` matches `b2:ObjectCreated:Copy`).
    static func overlap(_ a: String, _ b: String) -> Bool {
        matches(a, b) || matches(b, a)
    }

    /// True when the rule's event type `pattern` matches the event type `type`.
    static func matches(_ pattern: String, _ type: String) -> Bool {
        guard pattern.hasSuffix(":*") else { return pattern == type }
        return type.hasPrefix(pattern.dropLast())
    }

    /// A rule as B2 answers it.
    static func render(_ rule: NotificationRuleRecord) -> JSONValue {
        [
            "eventTypes": Rendering.jsonText(rule.eventTypes),
            "isEnabled": .bool(rule.isEnabled),
            "isSuspended": .bool(rule.isSuspended),
            "maxEventsPerBatch": .int(Int64(rule.maxEventsPerBatch)),
            "name": .string(rule.name),
            "objectNamePrefix": .string(rule.objectNamePrefix),
            "suspensionReason": .string(rule.suspensionReason),
            "targetConfiguration": [
                "customHeaders": rule.customHeaders.map(Rendering.jsonText) ?? nil,
                "hmacSha256SigningSecret": .optional(rule.signingSecret),
                "targetType": "webhook",
                "url": .string(rule.url),
            ],
        ]
    }
}

enum NotificationMigration {
    /// Adds `notification_rule`, dropped with its bucket.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-notification-rules") { db in
            try db.create(table: NotificationRuleRecord.databaseTableName) { t in
                t.column("bucketId", .text).notNull().references("bucket", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("eventTypes", .text).notNull()
                t.column("objectNamePrefix", .text).notNull()
                t.column("isEnabled", .boolean).notNull()
                t.column("maxEventsPerBatch", .integer).notNull()
                t.column("url", .text).notNull()
                t.column("customHeaders", .text)
                t.column("signingSecret", .text)
                t.column("isSuspended", .boolean).notNull()
                t.column("suspensionReason", .text).notNull()
                t.primaryKey(["bucketId", "name"])
            }
        }
    }
}
