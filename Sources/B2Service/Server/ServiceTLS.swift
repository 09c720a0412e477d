import B2Kit
import Foundation
import NIOSSL

/// The certificate chain and private key the service serves HTTPS with (`--tls-cert`, `--tls-key`, PEM files).
public struct ServiceTLS: Sendable {
    /// swift-nio-ssl's server configuration.
    let configuration: TLSConfiguration

    /// Reads a PEM certificate chain and its PEM private key.
    /// - Throws: `B2Error` `.usage` naming the file that cannot be read or is not PEM.
    public init(certificateFile: String, keyFile: String) throws {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw B2Error(
                .usage, "--tls-cert \(certificateFile) is not a readable PEM certificate chain: check the file",
                cause: DescribedError(error))
        }
        guard !chain.isEmpty else {
            throw B2Error(.usage, "--tls-cert \(certificateFile) holds no certificate: give the PEM chain")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw B2Error(
                .usage, "--tls-key \(keyFile) is not a readable, unencrypted PEM private key: check the file",
                cause: DescribedError(error))
        }
        configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
