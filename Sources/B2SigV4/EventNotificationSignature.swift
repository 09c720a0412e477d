import Crypto

/// The signature of a B2 Event Notifications delivery: `x-bz-event-notification-signature: v1=<lowercase hex
/// HMAC-SHA256 of the raw body>`, keyed by the UTF-8 bytes of the rule's `hmacSha256SigningSecret`. The emulator
/// signs with it and receivers verify with it.
public enum EventNotificationSignature {
    /// The header deliveries are signed in.
    public static let header = "x-bz-event-notification-signature"

    /// The header's value for `body` signed with `secret`.
    public static func value(body: [UInt8], secret: String) -> String {
        "v1=" + Hex.string(HMAC<SHA256>.authenticationCode(for: body, using: key(secret)))
    }

    /// True when `header` (one or more comma-separated `v1=HEX`, several while a secret is rotated) holds the
    /// signature of `body` with `secret`; compared in constant time.
    public static func verify(body: [UInt8], header: String?, secret: String) -> Bool {
        guard let header else { return false }
        let key = key(secret)
        return header.split(separator: ",").contains { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("v1="), let mac = Hex.bytes(String(text.dropFirst(3))), mac.count == 32 else {
                return false
            }
            return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key)
        }
    }

    /// True for a secret of the shape B2 takes as `hmacSha256SigningSecret`: 32 ASCII letters and digits.
    public static func isValidSecret(_ secret: String) -> Bool {
        secret.utf8.count == 32 && secret.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    private static func key(_ secret: String) -> SymmetricKey { SymmetricKey(data: Array(secret.utf8)) }
}
