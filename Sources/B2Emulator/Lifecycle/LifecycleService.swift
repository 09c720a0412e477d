import Logging
import ServiceLifecycle

/// Runs the lifecycle sweep when the server starts and then every `interval`, until the server shuts down.
///
/// Tests need not wait for it: `POST /emulator/v1/advance_clock` sweeps before it answers.
struct LifecycleService: Service {
    let sweep: LifecycleSweep
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let outcome = try await sweep.run()
                    if outcome != LifecycleSweep.Outcome() {
                        logger.info(
                            "lifecycle rules applied",
                            metadata: [
                                "hidden": "\(outcome.hidden)", "deleted": "\(outcome.deleted)",
                                "canceled": "\(outcome.canceled)",
                            ])
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("lifecycle rules could not be applied: \(error)")
                }
                // Shutdown cancels the sleep; the service then ends without an error.
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
