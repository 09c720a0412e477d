import Foundation
import Hummingbird
import Logging

/// Builds the service's HTTP application: used by `b2kit service` and by the tests alike.
public enum ServiceApplication {
    /// The OpenAPI 3.1 document of the API.
    public static func openAPIDocument() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw Problem(.internalServerError, "Missing document", "openapi.yaml is missing from the build")
        }
        return try Data(contentsOf: url)
    }

    /// The router and the worker, ready to run.
    /// - Parameters:
    ///   - configuration: the store, keys and clock.
    ///   - host: address to listen on.
    ///   - port: port, 0 for any free one.
    ///   - onServerRunning: called with the bound port.
    public static func build(
        configuration: ServiceConfiguration,
        host: String = "127.0.0.1",
        port: Int = 0,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let worker = RunWorker(configuration: configuration)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ProblemMiddleware(logger: configuration.logger))
        router.get("healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        let authorized = router.group().add(middleware: BearerTokenMiddleware(store: configuration.store))
        authorized.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: ByteBuffer(bytes: try openAPIDocument())))
        }
        authorized.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(
                    byteBuffer: ByteBuffer(string: try await configuration.store.runStatistics().prometheusText)))
        }
        let v1 = authorized.group("v1")
        ConnectionRoutes<BasicRequestContext>(configuration: configuration).add(to: v1)
        SyncRoutes<BasicRequestContext>(configuration: configuration, worker: worker).add(to: v1)
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "b2kit-service"),
            services: [worker],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: configuration.logger
        )
    }
}
