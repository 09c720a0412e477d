import B2SigV4
import Crypto

/// The signature B2 puts on a delivery: `x-bz-event-notification-signature: v1=<hex HMAC-SHA256 of the body>`,
/// keyed by the UTF-8 bytes of the rule's `hmacSha256SigningSecret`.
enum NotificationSignature {
    static let header = "x-bz-event-notification-signature"

    /// The header's value for `body` signed with `secret`.
    static func value(body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "v1=" + Hex.string(mac)
    }
}
