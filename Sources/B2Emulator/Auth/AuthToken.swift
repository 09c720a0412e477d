import B2SigV4
import Crypto
import Foundation

/// What a token may be used for.
enum TokenScope: Sendable, Equatable {
    /// An account authorization token from `b2_authorize_account`.
    case account
    /// An upload token for `b2_upload_file` into one bucket.
    case upload(bucketId: String)
    /// An upload token for `b2_upload_part` of one large file.
    case uploadPart(fileId: String)
    /// A download authorization for names in a bucket starting with a prefix.
    case download(bucketId: String, prefix: String)
}

/// A decoded, signature-checked token.
struct AuthToken: Sendable, Equatable {
    let keyId: String
    let scope: TokenScope
    /// Milliseconds since the epoch after which the token is expired.
    let expiresAt: Int64
}

/// Issues and checks self-contained tokens signed with HMAC-SHA256 under the emulator's secret.
///
/// A token names its key, scope and expiry, so tokens survive a restart and need no table; deleting the key
/// still revokes them, because every request looks the key up.
struct TokenSigner: Sendable {
    private let secret: [UInt8]

    init(secret: String) {
        self.secret = Array(secret.utf8)
    }

    func issue(_ token: AuthToken) -> String {
        let body = Self.encodeBody(token)
        return "4_" + body + "." + signature(body)
    }

    /// - Returns: the token, or nil when it is malformed or its signature is wrong.
    func verify(_ text: String) -> AuthToken? {
        guard text.hasPrefix("4_"), let dot = text.lastIndex(of: ".") else { return nil }
        let body = String(text[text.index(text.startIndex, offsetBy: 2)..<dot])
        let sent = String(text[text.index(after: dot)...])
        guard sent == signature(body) else { return nil }
        return Self.decodeBody(body)
    }

    private func signature(_ body: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: secret))
        return Hex.string(mac.prefix(20))
    }

    private static func encodeBody(_ token: AuthToken) -> String {
        let scope: [String] =
            switch token.scope {
            case .account: ["a"]
            case .upload(let bucketId): ["u", bucketId]
            case .uploadPart(let fileId): ["p", fileId]
            case .download(let bucketId, let prefix): ["d", bucketId, Hex.string(Array(prefix.utf8))]
            }
        return ([token.keyId, String(token.expiresAt)] + scope).joined(separator: ".")
    }

    private static func decodeBody(_ body: String) -> AuthToken? {
        let fields = body.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 3, let expiresAt = Int64(fields[1]) else { return nil }
        let scope: TokenScope
        switch (fields[2], fields.count) {
        case ("a", 3): scope = .account
        case ("u", 4): scope = .upload(bucketId: fields[3])
        case ("p", 4): scope = .uploadPart(fileId: fields[3])
        case ("d", 5):
            guard let prefix = decodeHex(fields[4]) else { return nil }
            scope = .download(bucketId: fields[3], prefix: prefix)
        default: return nil
        }
        return AuthToken(keyId: fields[0], scope: scope, expiresAt: expiresAt)
    }

    private static func decodeHex(_ hex: String) -> String? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
            index += 2
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
