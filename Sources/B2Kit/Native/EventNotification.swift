import B2JSON
import B2SigV4
import Foundation

/// One delivery of B2 Event Notifications, as a receiver gets it: `{"events": [...]}` in the body, signed in the
/// `x-bz-event-notification-signature` header when the rule has a secret.
///
/// ```swift
/// guard EventNotification.verify(body: body, signature: headers["x-bz-event-notification-signature"],
///                                secret: secret) else { return 401 }
/// for event in try EventNotification.parse(body).events { ... }
/// ```
public struct EventNotification: Sendable, Equatable, Decodable {
    /// The events of the delivery, up to the rule's `maxEventsPerBatch`.
    public var events: [Event]

    /// The header B2 signs deliveries in.
    public static let signatureHeader = EventNotificationSignature.header

    /// One event.
    public struct Event: Sendable, Equatable, Decodable {
        /// The account the bucket belongs to.
        public var accountId: String
        /// The bucket's id.
        public var bucketId: String
        /// The bucket's name.
        public var bucketName: String
        /// Unique per event; B2 delivers at least once, so a receiver drops ids it has seen.
        public var eventId: String
        /// Milliseconds since the epoch.
        public var eventTimestamp: Int64
        /// `b2:ObjectCreated:Upload`, `b2:ObjectDeleted:Delete`, `b2:HideMarkerCreated:Hide`, `b2:TestEvent`, ...
        public var eventType: String
        /// 1.
        public var eventVersion: Int
        /// The rule that matched.
        public var matchedRuleName: String
        /// The object's name (absent from `b2:TestEvent`).
        public var objectName: String?
        /// Its size in bytes.
        public var objectSize: Int64?
        /// The id of the version created or deleted, or of the hide marker.
        public var objectVersionId: String?

        /// An event, as B2 would send it (for tests of a receiver).
        public init(
            accountId: String, bucketId: String, bucketName: String, eventId: String, eventTimestamp: Int64,
            eventType: String, eventVersion: Int = 1, matchedRuleName: String, objectName: String? = nil,
            objectSize: Int64? = nil, objectVersionId: String? = nil
        ) {
            self.accountId = accountId
            self.bucketId = bucketId
            self.bucketName = bucketName
            self.eventId = eventId
            self.eventTimestamp = eventTimestamp
            self.eventType = eventType
            self.eventVersion = eventVersion
            self.matchedRuleName = matchedRuleName
            self.objectName = objectName
            self.objectSize = objectSize
            self.objectVersionId = objectVersionId
        }

        /// True for events that make an object appear or change (`b2:ObjectCreated:*`).
        public var isCreation: Bool { eventType.hasPrefix("b2:ObjectCreated:") }
        /// True for events that make an object go away (`b2:ObjectDeleted:*`, `b2:HideMarkerCreated:*`).
        public var isRemoval: Bool {
            eventType.hasPrefix("b2:ObjectDeleted:") || eventType.hasPrefix("b2:HideMarkerCreated:")
        }
    }

    /// Reads a delivery's body.
    /// - Throws: `B2Error` `.invalidRequest` when it is not B2's `{"events": [...]}`.
    public static func parse(_ body: [UInt8]) throws -> EventNotification {
        do {
            return try JSONDecoder().decode(EventNotification.self, from: Data(body))
        } catch {
            throw B2Error(
                .invalidRequest,
                "The body is not an event notification ({\"events\": [...]} with B2's fields): \(error)")
        }
    }

    /// True when `signature` (the header's value: one or more comma-separated `v1=HEX`, several during a secret's
    /// rotation) holds the HMAC-SHA256 of `body` keyed by `secret`; compared in constant time.
    public static func verify(body: [UInt8], signature: String?, secret: String) -> Bool {
        EventNotificationSignature.verify(body: body, header: signature, secret: secret)
    }

    /// The signature B2 sends for `body` with `secret`: `v1=` and the lowercase hex HMAC-SHA256.
    public static func signature(body: [UInt8], secret: String) -> String {
        EventNotificationSignature.value(body: body, secret: secret)
    }
}
