import B2JSON

/// A bucket's event notification rule, as `b2_set_bucket_notification_rules` takes it and
/// `b2_get_bucket_notification_rules` answers it: which events (`b2:ObjectCreated:*`, `b2:ObjectDeleted:Delete`,
/// ...) under which prefix are posted to which webhook, signed with which secret.
///
/// ```swift
/// let rule = B2NotificationRule(
///     name: "new-uploads", eventTypes: ["b2:ObjectCreated:*"], url: "https://hooks.example.com/b2",
///     signingSecret: secret)
/// try await client.setNotificationRules([rule], in: bucket)
/// ```
public struct B2NotificationRule: Sendable, Equatable, Decodable, CustomStringConvertible {
    /// 6 to 63 letters, digits and `-`, unique in the bucket, not starting `b2-`.
    public var name: String
    /// The event types, such as `b2:ObjectCreated:*` or `b2:HideMarkerCreated:Hide`.
    public var eventTypes: [String]
    /// Only objects whose names start with this (empty for all).
    public var objectNamePrefix: String
    /// False to keep the rule without sending anything.
    public var isEnabled: Bool
    /// Events per POST, 1 to 50.
    public var maxEventsPerBatch: Int
    /// Where and how events are sent.
    public var targetConfiguration: Target
    /// True when B2 stopped sending after repeated failures (answers only).
    public var isSuspended: Bool?
    /// Why B2 suspended the rule (answers only).
    public var suspensionReason: String?

    /// A webhook target.
    public struct Target: Sendable, Equatable, Decodable {
        /// Always `webhook`.
        public var targetType: String
        /// The `https://` address events are posted to.
        public var url: String
        /// 32 letters and digits that sign each delivery, or nil for unsigned deliveries.
        public var hmacSha256SigningSecret: String?
        /// Headers sent with each delivery.
        public var customHeaders: [Header]?
    }

    /// One custom header.
    public struct Header: Sendable, Equatable, Decodable {
        /// The header's name (not `X-Bz-*`).
        public var name: String
        /// Its value.
        public var value: String

        /// A header.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A rule sending `eventTypes` under `prefix` to `url`.
    public init(
        name: String, eventTypes: [String], prefix: String = "", url: String, signingSecret: String? = nil,
        headers: [Header] = [], maxEventsPerBatch: Int = 1, isEnabled: Bool = true
    ) {
        self.name = name
        self.eventTypes = eventTypes
        objectNamePrefix = prefix
        self.isEnabled = isEnabled
        self.maxEventsPerBatch = maxEventsPerBatch
        targetConfiguration = Target(
            targetType: "webhook", url: url, hmacSha256SigningSecret: signingSecret,
            customHeaders: headers.isEmpty ? nil : headers)
    }

    /// The rule as the set call takes it (the answer-only fields left out).
    var json: JSONValue {
        var target: [(String, JSONValue)] = [
            ("targetType", .string(targetConfiguration.targetType)), ("url", .string(targetConfiguration.url)),
        ]
        if let secret = targetConfiguration.hmacSha256SigningSecret {
            target.append(("hmacSha256SigningSecret", .string(secret)))
        }
        if let headers = targetConfiguration.customHeaders {
            target.append(
                ("customHeaders", .array(headers.map { ["name": .string($0.name), "value": .string($0.value)] })))
        }
        return [
            "name": .string(name), "eventTypes": .array(eventTypes.map { .string($0) }),
            "objectNamePrefix": .string(objectNamePrefix), "isEnabled": .bool(isEnabled),
            "maxEventsPerBatch": .int(Int64(maxEventsPerBatch)), "targetConfiguration": .object(target),
        ]
    }

    /// The rule without its signing secret, which never prints.
    public var description: String {
        let secret = targetConfiguration.hmacSha256SigningSecret == nil ? "unsigned" : "signed"
        return "\(name): \(eventTypes.joined(separator: ",")) under \"\(objectNamePrefix)\" to "
            + "\(targetConfiguration.url) (\(secret)\(isEnabled ? "" : ", disabled")"
            + "\(isSuspended == true ? ", suspended: \(suspensionReason ?? "")" : ""))"
    }
}
