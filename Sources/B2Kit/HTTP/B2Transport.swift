import AsyncHTTPClient
import NIOCore

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

    /// Uses `client` (by default the process-wide shared client).
    public init(client: HTTPClient = .shared) {
        self.client = client
    }

    /// Sends `request` through async-http-client.
    public func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse {
        try await client.execute(request, deadline: deadline)
    }

    /// Sends `request` on a connection of its own that reads in large reads (`LargeDownload`).
    public func executeLargeDownload(_ request: HTTPClientRequest, deadline: NIODeadline) async throws
        -> HTTPClientResponse
    {
        try await LargeDownload.execute(request, deadline: deadline, group: client.eventLoopGroup)
    }
}
