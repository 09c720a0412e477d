import Logging
import ServiceLifecycle

/// Runs the emulator's background sweeps (lifecycle rules, replication), each when the server starts and then
/// every `interval`, until the server shuts down. A failing sweep is logged and tried again at its next turn.
///
/// Tests need not wait for them: `POST /emulator/v1/advance_clock` runs every sweep before it answers.
struct SweepService: Service {
    /// One sweep: its name for the log, how often it runs, and the work, which answers what it did (nil for nothing).
    struct Sweep: Sendable {
        let name: String
        let interval: Duration
        let run: @Sendable () async throws -> Logger.Metadata?
    }

    let sweeps: [Sweep]
    let logger: Logger

    /// The lifecycle sweep every minute, event notification delivery every 20 ms (a pass with nothing queued is
    /// one read of an empty table), and replication every second.
    init(state: EmulatorState, logger: Logger) {
        sweeps = [
            Sweep(name: "lifecycle rules", interval: .seconds(60)) {
                let outcome = try await LifecycleSweep(state: state).run()
                guard outcome != LifecycleSweep.Outcome() else { return nil }
                return [
                    "hidden": "\(outcome.hidden)", "deleted": "\(outcome.deleted)", "canceled": "\(outcome.canceled)",
                ]
            },
            Sweep(name: "event notifications", interval: .milliseconds(20)) {
                let outcome = try await NotificationDelivery(state: state).run()
                guard outcome != NotificationDelivery.Outcome() else { return nil }
                return [
                    "delivered": "\(outcome.delivered)", "failed": "\(outcome.failed)",
                    "suspended": "\(outcome.suspended)",
                ]
            },
            Sweep(name: "replication", interval: .seconds(1)) {
                let outcome = try await ReplicationWorker(state: state).run()
                guard outcome != ReplicationWorker.Outcome() else { return nil }
                return ["completed": "\(outcome.completed)", "failed": "\(outcome.failed)"]
            },
        ]
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for sweep in sweeps {
                    group.addTask { await repeatedly(sweep) }
                }
            }
        }
    }

    private func repeatedly(_ sweep: Sweep) async {
        while !Task.isCancelled {
            do {
                if let metadata = try await sweep.run() { logger.info("\(sweep.name) applied", metadata: metadata) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("\(sweep.name) could not be applied: \(error)")
            }
            // Shutdown cancels the sleep; the sweep then ends without an error.
            do { try await Task.sleep(for: sweep.interval) } catch { return }
        }
    }
}
