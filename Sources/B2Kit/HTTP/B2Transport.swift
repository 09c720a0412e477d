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

/// async-http-client's shared client, with a deadline on every call.
public struct AsyncHTTPClientTransport: B2Transport {
    let client: HTTPClient
    let tlsConfiguration: TLSConfiguration?

    /// Uses `client` (by default the process-wide shared client).
    /// - Parameter tlsConfiguration: the TLS settings of large downloads' own connections; by default the
    ///   system's trust roots, with certificates and host names verified.
    public init(client: HTTPClient = .shared, tlsConfiguration: TLSConfiguration? = nil) {
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
