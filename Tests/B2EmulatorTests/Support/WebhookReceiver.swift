import B2JSON
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A webhook target on a loopback port: records every delivery (its headers and body) and answers the status
/// `answer` gives, so tests can make a target fail and recover.
final class WebhookReceiver: Sendable {
    /// One delivery as received.
    struct Delivery: Sendable {
        let headers: HTTPFields
        let body: [UInt8]
        /// What the receiver answered.
        let status: HTTPResponse.Status
        var events: [JSONValue] { (try? JSONParser.parse(body))?["events"]?.arrayValue ?? [] }
    }

    private let received = Mutex<[Delivery]>([])
    private let status = Mutex<HTTPResponse.Status>(.ok)

    var deliveries: [Delivery] { received.withLock { $0 } }
    var events: [JSONValue] { deliveries.flatMap(\.events) }
    /// The events of the deliveries answered 2xx.
    var acceptedEvents: [JSONValue] { deliveries.filter { $0.status.kind == .successful }.flatMap(\.events) }

    /// From now on, answer `status`.
    func answer(_ status: HTTPResponse.Status) { self.status.withLock { $0 = status } }

    /// Runs the receiver while `body` runs with its URL (`http://127.0.0.1:PORT/hook`).
    static func run<Value: Sendable>(_ body: @Sendable (WebhookReceiver, String) async throws -> Value) async throws
        -> Value
    {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let status = receiver.status.withLock { $0 }
            receiver.received.withLock {
                $0.append(Delivery(headers: request.headers, body: Array(buffer: bytes), status: status))
            }
            return Response(status: status)
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                try await app.runService()
                return nil
            }
            var ports = portStream.makeAsyncIterator()
            guard let port = await ports.next() else { throw CancellationError() }
            let value = try await body(receiver, "http://127.0.0.1:\(port)/hook")
            group.cancelAll()
            return value
        }
    }

    /// Waits (up to `seconds`) until at least `count` events have arrived; answers them.
    func waitForEvents(_ count: Int, seconds: Double = 10) async throws -> [JSONValue] {
        try await waitUntil(seconds: seconds) { events.count >= count }
        return events
    }

    /// Waits (up to `seconds`) until `condition` holds.
    func waitUntil(seconds: Double = 10, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try await !condition(), Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
    }
}
