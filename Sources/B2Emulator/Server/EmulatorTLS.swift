import NIOSSL

/// The certificate and key `b2kit serve --tls-cert --tls-key` answers HTTPS with, so that clients that insist on
/// `https://` addresses (or code that checks them) can be tested too.
public struct EmulatorTLS: Sendable {
    /// A PEM file with the server's certificate chain, leaf first.
    public var certificatePath: String
    /// A PEM file with the certificate's private key.
    public var privateKeyPath: String

    /// Names the PEM files; they are read when the server starts.
    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }

    /// The server configuration of both files.
    ///
    /// - Throws: ``EmulatorStartupError`` naming the file that is missing or is not PEM.
    func serverConfiguration() throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw EmulatorStartupError(
                "--tls-cert \(certificatePath) is not a readable PEM certificate (\(error)); make one with "
                    + "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -keyout key.pem -out cert.pem")
        }
        guard !chain.isEmpty else { throw EmulatorStartupError("--tls-cert \(certificatePath) holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        } catch {
            throw EmulatorStartupError(
                "--tls-key \(privateKeyPath) is not a readable PEM private key without a passphrase (\(error))")
        }
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
