import B2Kit
import Crypto
import Foundation
import Testing

@Suite("EventNotification: a receiver's parsing and signature check")
struct EventNotificationTests {
    static let secret = "abcdefghijklmnopqrstuvwxyz012345"
    static let body = Array(
        """
        {"events":[{"accountId":"a1","bucketId":"b1","bucketName":"photos","eventId":"e1","eventTimestamp":17,\
        "eventType":"b2:ObjectCreated:Upload","eventVersion":1,"matchedRuleName":"new-photos","objectName":"x.jpg",\
        "objectSize":3,"objectVersionId":"4_z1"},{"accountId":"a1","bucketId":"b1","bucketName":"photos",\
        "eventId":"e2","eventTimestamp":18,"eventType":"b2:HideMarkerCreated:Hide","eventVersion":1,\
        "matchedRuleName":"new-photos","objectName":"x.jpg","objectSize":0,"objectVersionId":"4_z2"}]}
        """.utf8)

    /// The signature computed here, independently of B2Kit.
    static func hmac(_ body: [UInt8], _ secret: String) -> String {
        "v1="
            + HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    @Test("The right signature verifies; a wrong, missing, malformed or other-secret one does not")
    func signatures() {
        let right = Self.hmac(Self.body, Self.secret)
        #expect(EventNotification.signature(body: Self.body, secret: Self.secret) == right)
        #expect(EventNotification.verify(body: Self.body, signature: right, secret: Self.secret))
        #expect(!EventNotification.verify(body: Self.body, signature: nil, secret: Self.secret))
        #expect(!EventNotification.verify(body: Self.body, signature: "", secret: Self.secret))
        #expect(!EventNotification.verify(body: Self.body + [32], signature: right, secret: Self.secret))
        #expect(!EventNotification.verify(body: Self.body, signature: right, secret: Self.secret.uppercased()))
        #expect(!EventNotification.verify(body: Self.body, signature: String(right.dropFirst(3)), secret: Self.secret))
        #expect(!EventNotification.verify(body: Self.body, signature: "v1=zz", secret: Self.secret))
        #expect(!EventNotification.verify(body: Self.body, signature: "v2=" + right.dropFirst(3), secret: Self.secret))
        // Several signatures, as while a secret is rotated: any one that verifies is enough.
        let old = Self.hmac(Self.body, "00000000000000000000000000000000")
        #expect(EventNotification.verify(body: Self.body, signature: "\(old), \(right)", secret: Self.secret))
        #expect(!EventNotification.verify(body: Self.body, signature: "\(old),\(old)", secret: Self.secret))
    }

    @Test("A body parses into its events; anything else is a clear error")
    func parsing() throws {
        let notification = try EventNotification.parse(Self.body)
        #expect(notification.events.map(\.eventId) == ["e1", "e2"])
        #expect(notification.events.map(\.isCreation) == [true, false])
        #expect(notification.events.map(\.isRemoval) == [false, true])
        #expect(notification.events.first?.objectSize == 3)
        let test = try EventNotification.parse(
            Array(
                #"{"events":[{"accountId":"a","bucketId":"b","bucketName":"n","eventId":"t","eventTimestamp":1,"eventType":"b2:TestEvent","eventVersion":1,"matchedRuleName":"r"}]}"#
                    .utf8))
        #expect(test.events.first?.objectName == nil)
        for bad in ["", "{}", "[1]", #"{"events":[{"eventId":"x"}]}"#] {
            #expect { try EventNotification.parse(Array(bad.utf8)) } throws: { error in
                (error as? B2Error)?.message.contains("is not an event notification") == true
            }
        }
    }

    @Test("A rule prints without its secret")
    func ruleDescription() {
        let rule = B2NotificationRule(
            name: "new-photos", eventTypes: ["b2:ObjectCreated:*"], url: "https://hooks.example.com",
            signingSecret: Self.secret)
        for text in ["\(rule)", String(reflecting: rule)] where text.contains("new-photos") {
            #expect(!text.contains(Self.secret), "\(text)")
        }
        #expect("\(rule)".contains("signed"))
    }
}
