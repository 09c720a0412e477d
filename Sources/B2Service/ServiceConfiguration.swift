import Crypto
import Foundation
import Logging

/// What the service needs: its store, master key, where sync state lives, where B2 authorizes, and a clock.
public struct ServiceConfiguration: Sendable {
    /// Tokens, connections, syncs and runs.
    public var store: any ServiceStore
    /// Seals application keys.
    public var secrets: SecretBox
    /// Folder of the per-sync state databases (catalog, SHA-1 cache).
    public var stateDirectory: String
    /// The folders syncs may read and write; every local path is resolved inside them.
    public var roots: ServiceRoots
    /// Where connections authorize (`b2_authorize_account`); B2's production API by default.
    public var b2APIURL: String
    /// Runs executed at once.
    public var workers: Int
    /// How often the scheduler looks for due syncs.
    public var schedulerTick: Duration
    /// The clock.
    public var now: @Sendable () -> Date
    /// Where the service logs (never secrets).
    public var logger: Logger

    /// Creates a configuration.
    public init(
        store: any ServiceStore,
        masterKey: SymmetricKey,
        stateDirectory: String,
        roots: ServiceRoots,
        b2APIURL: String = "https://api.backblazeb2.com",
        workers: Int = 4,
        schedulerTick: Duration = .seconds(1),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "b2kit.service")
    ) {
        self.store = store
        self.secrets = SecretBox(key: masterKey)
        self.stateDirectory = stateDirectory
        self.roots = roots
        self.b2APIURL = b2APIURL
        self.workers = max(1, workers)
        self.schedulerTick = schedulerTick
        self.now = now
        self.logger = logger
    }
}
