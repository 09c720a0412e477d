import B2Kit
import Crypto
import Foundation

/// Seals and opens secrets with AES-256-GCM under the service's master key; the owner's id is bound as
/// authenticated data, so a sealed key copied onto another connection does not open.
public struct SecretBox: Sendable {
    private let bytes: Data

    /// Creates a box over a 256-bit key.
    public init(key: SymmetricKey) { bytes = key.withUnsafeBytes { Data($0) } }

    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// Seals `secret` for `owner`: nonce, ciphertext and tag.
    public func seal(_ secret: String, for owner: String) throws -> Data {
        guard let combined = try AES.GCM.seal(Data(secret.utf8), using: key, authenticating: Data(owner.utf8)).combined
        else {
            throw B2Error(.localFile, "AES-GCM could not seal the secret (no combined form)")
        }
        return combined
    }

    /// Opens what `seal` made for `owner`.
    /// - Throws: `B2Error` `.configuration` when the master key is not the one it was sealed with.
    public func open(_ sealed: Data, for owner: String) throws -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return String(decoding: try AES.GCM.open(box, using: key, authenticating: Data(owner.utf8)), as: UTF8.self)
        } catch {
            throw B2Error(
                .configuration,
                "The application key of connection \(owner) does not open with this master key: start the service "
                    + "with the master key it was stored under (B2KIT_MASTER_KEY or the key file), or rotate the key")
        }
    }
}
