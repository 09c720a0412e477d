import B2Kit
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
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
    ///   - tls: serves HTTPS with this certificate when given; plain HTTP otherwise.
    ///   - onServerRunning: called with the bound port.
    /// - Throws: `B2Error` when the TLS configuration cannot be used.
    public static func build(
        configuration: ServiceConfiguration,
        host: String = "127.0.0.1",
        port: Int = 0,
        tls: ServiceTLS? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let worker = RunWorker(configuration: configuration)
        let server: HTTPServerBuilder
        do {
            server = try tls.map { try .tls(.http1(), tlsConfiguration: $0.configuration) } ?? .http1()
        } catch {
            throw B2Error(
                .usage, "The TLS certificate and key cannot serve HTTPS: check that the key matches the certificate",
                cause: DescribedError(error))
        }
        return Application(
            router: router(configuration: configuration, worker: worker),
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "b2kit-service"),
            // The store's pool is listed first, so that it stops last, after the worker's final writes.
            services: configuration.store.services + [worker],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: configuration.logger
        )
    }

    /// The routes: `/healthz` and `/openapi.yaml` public, everything else behind a bearer token and the role each
    /// route needs (the OpenAPI document names it in each operation's `security`).
    static func router(configuration: ServiceConfiguration, worker: RunWorker) -> Router<ServiceRequestContext> {
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: ProblemMiddleware(logger: configuration.logger))
        router.get("healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: ByteBuffer(bytes: try openAPIDocument())))
        }
        HookRoutes(configuration: configuration, worker: worker).add(to: router)
        let authenticated = router.group().add(
            middleware: BearerTokenMiddleware(
                store: configuration.store, throttle: BadTokenThrottle(), now: configuration.now))
        RoleGroups(authenticated).viewer.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(
                    byteBuffer: ByteBuffer(string: try await configuration.store.runStatistics().prometheusText)))
        }
        let v1 = RoleGroups(authenticated.group("v1"))
        ConnectionRoutes(configuration: configuration).add(to: v1)
        SyncRoutes(configuration: configuration, worker: worker).add(to: v1)
        TokenRoutes(configuration: configuration).add(to: v1)
        return router
    }
}
