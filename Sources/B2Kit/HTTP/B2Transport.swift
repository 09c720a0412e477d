import AsyncHTTPClient
import NIOCore
import NIOSSL

/// What B2Kit sends HTTP requests through: async-http-client in production, anything else in tests.
public protocol B2Transport: Sendable {
    /// Sends a request; the response body streams and must be consumed (or dropped) by the caller.
    func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse

    /// Sends a GET whose body is large (megabytes or more) through a path built for throughput.
    func executeLargeDownload(_ request: HTTPClientRequest, deadline: NIODeadline) async throws
        -> HTTPClientResponse
}

extension B2Transport {
    /// By default a large download is an ordinary request.
    public func executeLargeDownload(_ request: HTTPClientRequest, deadline: NIODeadline) async throws
        -> HTTPClientResponse
    {
        try await execute(request, deadline: deadline)
    }
}

/// async-http-client, with a deadline on every call.
public struct AsyncHTTPClientTransport: B2Transport {
    let client: HTTPClient
    let tlsConfiguration: TLSConfiguration?

    /// The process-wide client every transport uses unless given another: async-http-client's shared settings,
    /// except that a connection that cannot be made fails its request at once (refused) or after 10 s (no answer)
    /// instead of being retried inside the pool until a 90 s timeout. `RetryLoop` retries it, and the client's
    /// `CircuitBreaker` sees every failure, so an outage ends a command within a minute.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout.connect = connectTimeout
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// How long a new connection may take to be made.
    static let connectTimeout = TimeAmount.seconds(10)

    /// Uses `client` (by default `sharedClient`).
    /// - Parameter tlsConfiguration: the TLS settings of large downloads' own connections; by default the
    ///   system's trust roots, with certificates and host names verified.
    public init(client: HTTPClient = AsyncHTTPClientTransport.sharedClient, tlsConfiguration: TLSConfiguration? = nil) {
        self.client = client
        self.tlsConfiguration = tlsConfiguration
    }

    /// Sends `request` through async-http-client.
    public func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse {
        try await client.execute(request, deadline: deadline)
    }

    /// Sends `request` on a connection of its own that reads in large reads (`LargeDownload`).
    public func executeLargeDownload(_ request: HTTPClientRequest, deadline: NIODeadline) async throws
        -> HTTPClientResponse
    {
        try await LargeDownload.execute(
            request, deadline: deadline, group: client.eventLoopGroup, tlsConfiguration: tlsConfiguration)
    }
}
