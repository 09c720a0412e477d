import B2JSON
import Hummingbird

/// The emulator's own calls on its clock, under `/emulator/v1/`; only the master key may make them.
///
/// `POST /emulator/v1/advance_clock` with `{"seconds": N}` (N ≥ 0) and an account token of the master key moves
/// the clock forward, applies the buckets' lifecycle rules and replicates the versions now due, and answers
/// `{"nowMillis", "offsetMillis", "lifecycle": {"hidden", "deleted", "canceled"}, "replication": {"completed",
/// "failed"}, "notifications": {"delivered", "failed", "suspended"}}` (deliveries whose retry delay has passed
/// are attempted, and waited for).
struct ClockCalls: Sendable {
    let state: EmulatorState

    func advanceClock(_ request: Request, context: EmulatorRequestContext) async throws -> JSONValue {
        let principal = try state.authenticate(request) { $0 == .account }
        guard principal.key.isMaster else {
            throw B2APIError.unauthorized("Only the master key may move the emulator's clock")
        }
        let body = try await request.body.collect(upTo: 1 << 16)
        let parameters = try CallParameters(json: try JSONValue.parse(body))
        let seconds = try parameters.int("seconds")
        guard seconds >= 0 else {
            throw B2APIError.badRequest("seconds must be 0 or more: the emulator's clock only moves forward")
        }
        state.clock.advance(by: seconds * 1000)
        let outcome = try await LifecycleSweep(state: state).run()
        let replication = try await ReplicationWorker(state: state).run()
        let notifications = try await NotificationDelivery(state: state).run()
        return [
            "nowMillis": .int(state.clock.nowMillis()), "offsetMillis": .int(state.clock.offsetMilliseconds),
            "lifecycle": [
                "hidden": .int(Int64(outcome.hidden)), "deleted": .int(Int64(outcome.deleted)),
                "canceled": .int(Int64(outcome.canceled)),
            ],
            "replication": [
                "completed": .int(Int64(replication.completed)), "failed": .int(Int64(replication.failed)),
            ],
            "notifications": [
                "delivered": .int(Int64(notifications.delivered)), "failed": .int(Int64(notifications.failed)),
                "suspended": .int(Int64(notifications.suspended)),
            ],
        ]
    }
}
