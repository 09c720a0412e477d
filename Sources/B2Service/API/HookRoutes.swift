import B2Kit
import B2Sync
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /v1/hooks/{sync_id}`: where B2 posts the event notifications of an `events` sync. No bearer token: the
/// delivery is checked by its `x-bz-event-notification-signature` against the sync's `hook_secret` instead.
///
/// A delivery naming objects queues a run of the sync limited to those names (202); when a run is already queued,
/// the names join it (a full run covers them as it is). When one is running, the route waits up to about 2.5 s (B2
/// gives a target 3 s) for it to end, and otherwise answers 503 so that B2 delivers again later. No event is dropped: an event is acknowledged only once
/// a run that starts after it is queued. A signature that does not verify is 401, a body that is not an event
/// notification 400, and neither changes anything.
struct HookRoutes: Sendable {
    typealias Context = ServiceRequestContext
    let configuration: ServiceConfiguration
    let worker: RunWorker

    func add(to router: Router<Context>) {
        router.post("v1/hooks/:id", use: receive)
    }

    @Sendable func receive(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let sync = try await configuration.store.sync(id: id), sync.syncMode == SyncMode.events.rawValue,
            let sealed = sync.sealedHookSecret
        else {
            throw Problem(.notFound, "No such hook", "No events sync has the id \(id)")
        }
        let secret = try configuration.secrets.open(sealed, for: sync.id)
        let body = Array(buffer: try await request.body.collect(upTo: 4 << 20))
        guard
            EventNotification.verify(
                body: body, signature: request.headers[HTTPField.Name(EventNotification.signatureHeader)!],
                secret: secret)
        else {
            throw Problem(
                .unauthorized, "Signature does not verify",
                "The x-bz-event-notification-signature does not verify with the sync's hook_secret")
        }
        let notification: EventNotification
        do {
            notification = try EventNotification.parse(body)
        } catch let error as B2Error {
            throw Problem(.badRequest, "Not an event notification", error.message)
        }
        var names: [String] = []
        for name in notification.events.compactMap(\.objectName) where !names.contains(name) { names.append(name) }
        guard !sync.paused, !names.isEmpty else {
            return try JSONResponse.make(["status": sync.paused ? "paused" : "nothing to sync"])
        }
        for _ in 0..<25 {
            var queued = RunRecord.queued(syncId: sync.id, trigger: "event", at: configuration.now())
            queued.objectNames = names
            let (run, created) = try await configuration.store.enqueue(queued)
            if created {
                worker.wake()
                return try JSONResponse.make(RunOutput(run), status: .accepted)
            }
            if run.status == .queued, try await configuration.store.addObjectNames(names, toQueuedRun: run.id) {
                worker.wake()
                return try JSONResponse.make(RunOutput(run), status: .accepted)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Problem(
            .serviceUnavailable, "Run in progress",
            "A run of sync \(sync.id) is in progress: deliver again (B2 retries) and a run after it covers the events")
    }
}
