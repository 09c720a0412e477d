import AsyncHTTPClient
import B2JSON
import B2Kit
import Foundation
import NIOCore

/// A client of a running `b2kit service`: sends JSON with the bearer token and turns problems into `B2Error`s.
public struct ServiceClient: Sendable {
    /// The service's base URL, e.g. `http://127.0.0.1:8585`.
    public let baseURL: String
    let token: String

    /// Creates a client.
    public init(baseURL: String, token: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
    }

    /// Sends a request with a JSON body and returns the JSON object of a 2xx answer.
    /// - Parameters:
    ///   - method: The HTTP method, such as `POST`.
    ///   - path: The path under the base URL, such as `/v1/syncs`.
    ///   - body: The request body, encoded as JSON.
    /// - Returns: The answer's object, or an empty object when the answer is not a JSON object.
    /// - Throws: `B2Error` with the problem's detail for a 4xx/5xx answer (`.usage` for 400/422, `.notFound`
    ///   for 404, `.badCredentials` for 401, `.restricted` for 403, whose detail names the role the call needs),
    ///   `.transport` when the service cannot be reached.
    public func send(_ method: String, _ path: String, json body: some Encodable) async throws -> JSONValue {
        try await send(method, path, body: ByteBuffer(bytes: try JSONEncoder().encode(body)))
    }

    /// Sends a request without a body and returns the JSON object of a 2xx answer.
    /// - Parameters:
    ///   - method: The HTTP method, such as `GET`.
    ///   - path: The path under the base URL, such as `/v1/syncs/{id}/runs`.
    /// - Returns: The answer's object, or an empty object when the answer is not a JSON object.
    /// - Throws: `B2Error` as `send(_:_:json:)` does.
    public func send(_ method: String, _ path: String) async throws -> JSONValue {
        try await send(method, path, body: nil)
    }

    private func send(_ method: String, _ path: String, body json: ByteBuffer?) async throws -> JSONValue {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(json)
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            body = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw B2Error(
                .transport, "Cannot reach the service at \(baseURL): is 'b2kit service' running there?",
                cause: DescribedError(error))
        }
        var object = (try? JSONParser.parse(Array(body.readableBytesView))) ?? .object([])
        if case .object = object {} else { object = .object([]) }
        guard (200..<300).contains(Int(response.status.code)) else {
            var detail = "HTTP \(response.status.code)"
            if case .string(let text)? = object["detail"] { detail = text }
            let code: B2Error.Code =
                switch response.status.code {
                case 400, 422: .usage
                case 401: .badCredentials
                case 403: .restricted
                case 404: .notFound
                case 409: .conflict
                case 429: .rateLimited
                default: .server
                }
            throw B2Error(code, "The service refused \(method) \(path): \(detail)")
        }
        return object
    }
}
