import B2SigV4
import Crypto
import Foundation

/// Creates API tokens and hashes them; only hashes are stored.
public enum TokenIssuer {
    /// A new token's secret, and its record (which holds only the hash).
    public static func create(name: String, role: Role = .default, now: Date) -> (token: String, record: TokenRecord) {
        let secret = "b2ks_" + randomText(bytes: 32)
        let record = TokenRecord(
            id: "tok_" + randomText(bytes: 9), name: name, hash: hash(secret), createdAt: now, revokedAt: nil,
            role: role.rawValue, lastUsedAt: nil)
        return (secret, record)
    }

    /// The SHA-256 of a token, lower-case hex.
    public static func hash(_ token: String) -> String {
        Hex.string(SHA256.hash(data: Data(token.utf8)))
    }

    /// URL-safe base64 of random bytes, without padding.
    static func randomText(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
