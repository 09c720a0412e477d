import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// The local B2-compatible server: state opened from the data folder and a Hummingbird application around it.
public struct EmulatorServer: Sendable {
    let state: EmulatorState
    /// HTTP/1.1, wrapped in TLS when the configuration names certificate files.
    let server: HTTPServerBuilder
    /// `http` or `https`, as clients address this server.
    public var scheme: String { state.configuration.scheme }

    /// Opens the data folder (creating the account and master key on first use) and reads the TLS files.
    ///
    /// - Throws: ``EmulatorStartupError`` when the data folder or a TLS file cannot be used.
    public init(configuration: EmulatorConfiguration) async throws {
        let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()]))
        if let tls = configuration.tls {
            server = try HTTPServerBuilder.tls(http1, tlsConfiguration: try tls.serverConfiguration())
        } else {
            server = http1
        }
        state = try await EmulatorState.open(configuration)
    }

    /// The master application key id.
    public var masterKeyId: String { state.masterKey.applicationKeyId }
    /// The master application key (a secret: print it only when it was just created).
    public var masterKey: String { state.masterKey.applicationKey }
    /// True when this start created the master key.
    public var masterKeyIsNew: Bool { state.masterKeyIsNew }

    /// Builds the application; `onRunning` receives the bound port once the server listens.
    public func application(
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let configuration = state.configuration
        return Application(
            router: EmulatorRouter.build(state: state),
            server: server,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            services: [SweepService(state: state, logger: configuration.logger)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: configuration.logger
        )
    }
}
