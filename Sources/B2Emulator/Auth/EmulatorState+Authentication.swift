import Foundation
import HTTPTypes
import Hummingbird

extension EmulatorState {
    /// Checks a request's token and returns its principal.
    ///
    /// - Parameter accepts: which token scopes may make this request.
    /// - Throws: 401 `missing_auth_token`, `bad_auth_token` or `expired_auth_token`, as B2 answers.
    func authenticate(_ request: Request, accepts: (TokenScope) -> Bool) throws -> Principal {
        guard let text = request.authorizationToken else {
            throw B2APIError(.unauthorized, "missing_auth_token", "Authorization header is missing: send the token")
        }
        guard let token = signer.verify(text), accepts(token.scope), let key = keys[token.keyId] else {
            throw B2APIError(.unauthorized, "bad_auth_token", "Invalid authorization token: authorize again")
        }
        guard token.expiresAt > clock.nowMillis() else {
            throw B2APIError(.unauthorized, "expired_auth_token", "Authorization token has expired: authorize again")
        }
        return Principal(key: key, token: token)
    }

    /// Checks `Authorization: Basic base64(keyId:key)` and returns the key.
    func authenticateBasic(_ request: Request) throws -> KeyRecord {
        let realm: HTTPFields = [.wwwAuthenticate: "BASIC realm=\"authorize_account\""]
        guard let header = request.headers[.authorization] else {
            throw B2APIError(
                .unauthorized, "bad_auth_token", "Send Authorization: Basic base64(keyId:applicationKey)",
                headers: realm
            )
        }
        let encoded = header.hasPrefix("Basic ") ? String(header.dropFirst(6)) : header
        guard let data = Data(base64Encoded: encoded.trimmingCharacters(in: .whitespaces)),
            let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        else {
            throw B2APIError(
                .unauthorized, "bad_auth_token", "Authorization must be Basic base64(keyId:applicationKey)",
                headers: realm
            )
        }
        var keyId = String(pair[..<colon])
        let secret = String(pair[pair.index(after: colon)...])
        if keyId == accountId { keyId = masterKey.applicationKeyId }
        guard let key = keys[keyId], key.applicationKey == secret else {
            // B2 answers a wrong key id or key with `unauthorized` and an empty message.
            throw B2APIError(
                .unauthorized, "unauthorized", "",
                guidance: "No key has this key id and key: check both, or create a new key", headers: realm
            )
        }
        if let expiry = key.expirationTimestamp, expiry <= clock.nowMillis() {
            throw B2APIError(.unauthorized, "key_expired", "The application key has expired: create a new key")
        }
        return key
    }

    /// Issues a token for `key`, valid for the configured lifetime (and no longer than the key).
    func issueToken(for key: KeyRecord, scope: TokenScope, lifetimeSeconds: Int64? = nil) -> String {
        var expiry = clock.nowMillis() + 1000 * (lifetimeSeconds ?? configuration.tokenLifetimeSeconds)
        if let keyExpiry = key.expirationTimestamp { expiry = min(expiry, keyExpiry) }
        return signer.issue(AuthToken(keyId: key.applicationKeyId, scope: scope, expiresAt: expiry))
    }
}
