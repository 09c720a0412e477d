import B2JSON
import B2Kit
import B2SigV4
import B2Sync
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `b2kit sync b2://B/P DIR --mode events --listen HOST:PORT [--secret S] [--register]`: a full sync, then each
/// event notification B2 posts to the listener is applied as it arrives (``EventApplier``), with a full sync again
/// every `interval` so that a lost event cannot leave the sides apart.
///
/// The listener answers 401 to a delivery whose signature does not verify, 400 to a body that is not an event
/// notification, 500 when an event could not be applied (B2 then retries it), and 200 once every event of the
/// delivery is applied. With `register`, a rule sending the prefix's changes to the listener is added to the bucket
/// and removed on exit; when the account cannot have notification rules, the sync polls (`continuous`) instead
/// and says so.
public enum EventSyncOperation {
    /// What the event mode adds to a sync request.
    public struct Listener: Sendable {
        /// The address to listen on.
        public var host: String
        /// The port (0 for any free one; the line printed at start names it).
        public var port: Int
        /// The rule's signing secret: deliveries must carry its signature (nil accepts unsigned ones).
        public var secret: String?
        /// Add a rule for this listener to the bucket, and remove it on exit.
        public var register: Bool

        /// Reads `--listen HOST:PORT`.
        /// - Throws: `B2Error` `.usage` for anything else.
        public init(listen: String, secret: String?, register: Bool) throws {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (0...65535).contains(port), colon != listen.startIndex
            else {
                throw B2Error(.usage, "--listen takes HOST:PORT, such as 127.0.0.1:8787, not '\(listen)'")
            }
            if let secret, !EventNotificationSignature.isValidSecret(secret) {
                throw B2Error(.usage, "--secret must be 32 letters and digits, as B2's hmacSha256SigningSecret is")
            }
            host = String(listen[..<colon])
            self.port = port
            self.secret = secret
            self.register = register
        }
    }

    /// One delivery waiting for the applier, and whoever waits for its answer.
    private struct Delivery: Sendable {
        let events: [EventNotification.Event]
        let done: CheckedContinuation<Void, any Error>
    }

    /// Runs the event-driven sync until `stop`.
    /// - Returns: the summary of the last full sync.
    @discardableResult
    public static func run(
        _ context: CommandContext, _ request: SyncOperation.Request, listener: Listener, stop: StopRequest
    )
        async throws -> SyncSummary
    {
        try await ClientProvider.withClient(context) { client, _ in
            let statePath =
                request.statePath
                ?? SyncState.defaultPath(
                    source: request.source, destination: request.destination,
                    environment: context.configuration.environment)
            let state = try SyncOperation.openState(statePath, request: request)
            let log = try request.eventsPath.map { try SyncEventLog(path: $0, destination: request.destination) }
            let engine = SyncEngine(client: client, state: state) { event in log?.append(event) }
            let applier = try await EventApplier(
                client: client, source: request.source, destination: request.destination, options: request.options,
                state: state
            ) { event in log?.append(event) }
            var last = try await fullSync(context, engine, request, stop: stop, run: 1)
            if stop.isRequested { return last }

            // With --register the rule gets a secret: the given one, else a new one.
            let secret = listener.secret ?? (listener.register ? randomSecret() : nil)
            var registered: (B2Bucket, String)?
            let (deliveries, queue) = AsyncStream.makeStream(of: Delivery.self)
            let (ports, portQueue) = AsyncStream.makeStream(of: Int.self)
            let app = Application(
                router: router(secret: secret, queue: queue),
                configuration: .init(address: .hostname(listener.host, port: listener.port)),
                onServerRunning: { channel in portQueue.yield(channel.localAddress?.port ?? listener.port) })
            last = try await withThrowingTaskGroup(of: SyncSummary?.self) { group in
                group.addTask {
                    defer { portQueue.finish() }
                    try await app.runService()
                    return nil
                }
                group.addTask {
                    for await delivery in deliveries {
                        do {
                            try await apply(delivery.events, with: applier, transfers: request.options.transfers) {
                                say(context, $0, $1)
                            }
                            delivery.done.resume()
                        } catch {
                            delivery.done.resume(throwing: error)
                        }
                    }
                    return nil
                }
                var portIterator = ports.makeAsyncIterator()
                guard let port = await portIterator.next() else {
                    throw B2Error(
                        .usage,
                        "Cannot listen on \(listener.host):\(listener.port): is the address this machine's, and the port free?"
                    )
                }
                let url = "http://\(listener.host):\(port)/hook"
                context.say("listening for event notifications on \(url)")
                if listener.register {
                    do {
                        registered = try await register(client, request: request, url: url, secret: secret ?? "")
                        context.say("registered notification rule \(registered!.1) on \(request.source)")
                    } catch let error as B2Error where isNotEnabled(error) {
                        // No events will come: the full syncs below, every interval, are all there is.
                        context.standardError(
                            "b2kit: the account cannot have event notification rules (\(error.message)): polling "
                                + "every \(Int(request.interval)) s instead (--mode continuous)\n")
                    }
                }
                var reconciled = last
                var run = 1
                while !(try await stop.wait(upTo: .seconds(request.interval))) {
                    run += 1
                    reconciled = try await fullSync(context, engine, request, stop: stop, run: run)
                }
                queue.finish()
                group.cancelAll()
                return reconciled
            }
            if let (bucket, name) = registered {
                let rules = try await client.notificationRules(in: bucket)
                try await client.setNotificationRules(rules.filter { $0.name != name }, in: bucket)
                context.say("removed notification rule \(name)")
            }
            return last
        }
    }

    /// Applies a delivery's events: the events of one name in order, up to `transfers` names at once.
    private static func apply(
        _ events: [EventNotification.Event], with applier: EventApplier, transfers: Int,
        report: @escaping @Sendable (EventNotification.Event, EventApplier.Outcome) -> Void
    ) async throws {
        var byName: [String: [EventNotification.Event]] = [:]
        var order: [String] = []
        for event in events {
            let name = event.objectName ?? ""
            if byName[name] == nil { order.append(name) }
            byName[name, default: []].append(event)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for name in order {
                if running == max(1, transfers) {
                    try await group.next()
                    running -= 1
                }
                let events = byName[name] ?? []
                group.addTask {
                    for event in events { report(event, try await applier.apply(event)) }
                }
                running += 1
            }
            try await group.waitForAll()
        }
    }

    private static func fullSync(
        _ context: CommandContext, _ engine: SyncEngine, _ request: SyncOperation.Request, stop: StopRequest, run: Int
    ) async throws -> SyncSummary {
        let started = Date()
        let summary = try await engine.run(
            from: request.source, to: request.destination, options: request.options, stop: stop)
        SyncOperation.report(context, summary, request: request, seconds: Date().timeIntervalSince(started), run: run)
        return summary
    }

    /// The listener's routes: every POST is a delivery.
    private static func router(secret: String?, queue: AsyncStream<Delivery>.Continuation)
        -> Router<BasicRequestContext>
    {
        let router = Router()
        router.post("/**") { request, _ -> Response in
            let body = Array(buffer: try await request.body.collect(upTo: 4 << 20))
            if let secret,
                !EventNotification.verify(
                    body: body, signature: request.headers[HTTPField.Name(EventNotification.signatureHeader)!],
                    secret: secret)
            {
                return answer(.unauthorized, "The x-bz-event-notification-signature does not verify with the secret")
            }
            let notification: EventNotification
            do {
                notification = try EventNotification.parse(body)
            } catch let error as B2Error {
                return answer(.badRequest, error.message)
            }
            do {
                try await withCheckedThrowingContinuation { done in
                    queue.yield(Delivery(events: notification.events, done: done))
                }
            } catch {
                return answer(.internalServerError, "An event could not be applied (\(error)): B2 will retry it")
            }
            return answer(.ok, "applied \(notification.events.count) events")
        }
        return router
    }

    private static func answer(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let body = JSONValue.object([("message", .string(message))]).serialized()
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private static func say(
        _ context: CommandContext, _ event: EventNotification.Event, _ outcome: EventApplier.Outcome
    ) {
        switch outcome {
        case .copied(let name): context.say("\(event.eventType): copied \(name)")
        case .deleted(let name): context.say("\(event.eventType): deleted \(name)")
        case .refused(let name, let reason):
            context.standardError("b2kit: refused \(name): \(reason); it was not written\n")
        case .skipped, .duplicate: break
        }
    }

    /// Adds a rule sending the source prefix's changes to `url`; answers the bucket and the rule's name.
    private static func register(_ client: B2Client, request: SyncOperation.Request, url: String, secret: String)
        async throws -> (B2Bucket, String)
    {
        guard case .bucket(let path) = request.source else { throw B2Error(.usage, "--register needs a b2:// source") }
        let bucket = try await client.bucket(named: path.bucket)
        let prefix = path.key
        let name = "b2kit-sync-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let types =
            request.options.delete
            ? ["b2:ObjectCreated:*", "b2:ObjectDeleted:*", "b2:HideMarkerCreated:*"] : ["b2:ObjectCreated:*"]
        let rule = B2NotificationRule(
            name: name, eventTypes: types, prefix: prefix, url: url, signingSecret: secret, maxEventsPerBatch: 50)
        let rules = try await client.notificationRules(in: bucket)
        try await client.setNotificationRules(rules + [rule], in: bucket)
        return (bucket, name)
    }

    /// True when B2 refuses notification rules for the account itself (B2 still gates them for some accounts).
    static func isNotEnabled(_ error: B2Error) -> Bool {
        error.code == .missingCapability
            || ["unauthorized", "access_denied", "notifications_not_enabled"].contains(error.context.b2Code ?? "")
            || error.message.localizedCaseInsensitiveContains("not enabled")
    }

    private static func randomSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<32).map { _ in alphabet.randomElement()! })
    }
}
