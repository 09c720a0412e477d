import Hummingbird
import Logging
import NIOCore

/// The local B2-compatible server: state opened from the data folder and a Hummingbird application around it.
public struct EmulatorServer: Sendable {
    let state: EmulatorState

    /// Opens the data folder (creating the account and master key on first use).
    public init(configuration: EmulatorConfiguration) async throws {
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
            server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            services: [LifecycleService(sweep: LifecycleSweep(state: state), logger: configuration.logger)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: configuration.logger
        )
    }
}
