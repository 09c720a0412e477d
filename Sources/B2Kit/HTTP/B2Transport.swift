import AsyncHTTPClient
import NIOCore

/// What B2Kit sends HTTP requests through: async-http-client in production, anything else in tests.
public protocol B2Transport: Sendable {
    /// Sends a request; the response body streams and must be consumed (or dropped) by the caller.
    func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse
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
}
