import B2Emulator
import B2Kit
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Synchronization
import Testing

@testable import B2Service

/// Collects every log line, so tests can prove secrets never reach the logs.
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "b2kit.service.test") { _ in CapturingHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let line = "\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 })"
            capture.lines.withLock { $0.append(line) }
        }
    }
}

/// Every response body a world received.
final class Bodies: Sendable {
    let texts = Mutex<[String]>([])
}

/// A clock the tests move forward: the wall clock plus an offset.
final class TestClock: Sendable {
    let offset = Mutex<TimeInterval>(0)
    func now() -> Date { Date() + offset.withLock { $0 } }
    func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}

/// An emulator on port 0, the service in-process against it, a token of each role (`token` is the admin's), and a
/// record of every response body.
struct ServiceWorld: Sendable {
    let client: any TestClientProtocol
    let b2: B2Client
    let store: any ServiceStore
    /// The test's own PostgreSQL database when the suite runs on PostgreSQL; nil on SQLite.
    let postgresURL: String?
    let token: String
    /// A token of each role.
    let tokens: [Role: String]
    let clock: TestClock
    let folder: String
    /// The service's one root (`--root`), named `roots`: every sync's local folder lies inside it.
    var root: String { folder + "/roots" }
    let logs: LogCapture
    let bodies: Bodies
    let configuration: ServiceConfiguration

    static func run(_ body: @Sendable (ServiceWorld) async throws -> Void) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("b2service-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for folder in ["/db", "/roots"] {
            try FileManager.default.createDirectory(atPath: scratch + folder, withIntermediateDirectories: true)
        }
        let emulator = EmulatorConfiguration(
            dataDirectory: scratch + "/emulator", port: 0, masterKeyId: "servicekey", masterKey: "servicesecret")
        let server = try await EmulatorServer(configuration: emulator)
        try await server.application().test(.live) { http in
            let url = "http://127.0.0.1:\(http.port!)"
            let b2 = B2Client(
                keyId: "servicekey", applicationKey: "servicesecret", apiBaseURL: url,
                retryPolicy: RetryPolicy(maximumAttempts: 4, jitter: { 0 }, sleep: { _ in }))
            let (store, postgresURL) = try await testStore(scratch: scratch)
            let clock = TestClock()
            let logs = LogCapture()
            let configuration = ServiceConfiguration(
                store: store, masterKey: SymmetricKey(size: .bits256), stateDirectory: scratch + "/db/state",
                roots: try ServiceRoots([scratch + "/roots"], defaultRoot: scratch + "/db/syncs"), b2APIURL: url,
                schedulerTick: .milliseconds(100), now: { clock.now() },
                logger: logs.logger)
            // The store's queries are served once the application's services (its pool among them) run.
            try await ServiceApplication.build(configuration: configuration).test(.router) { client in
                var made: [Role: String] = [:]
                for role in Role.allCases {
                    let (token, record) = TokenIssuer.create(name: "test-\(role)", role: role, now: Date())
                    try await store.insertToken(record)
                    made[role] = token
                }
                let tokens = made
                try await body(
                    ServiceWorld(
                        client: client, b2: b2, store: store, postgresURL: postgresURL, token: tokens[.admin]!,
                        tokens: tokens, clock: clock, folder: scratch,
                        logs: logs,
                        bodies: Bodies(), configuration: configuration))
            }
        }
    }

    /// Sends a request with the token (or `token`), records the body, and returns status, body and content type.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, token: String?? = .none
    ) async throws -> (status: Int, body: String, json: [String: Any], type: String) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let bearer = token ?? self.token { headers[.authorization] = "Bearer \(bearer)" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let text = String(buffer: response.body)
        bodies.texts.withLock { $0.append(text) }
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (Int(response.status.code), text, object, response.headers[.contentType] ?? "")
    }

    /// A key on the emulator with `capabilities`: its id and secret.
    func key(_ capabilities: [String]) async throws -> (id: String, secret: String) {
        let key = try await b2.createKey(named: "svc-\(UUID().uuidString.prefix(8))", capabilities: capabilities)
        return (key.applicationKeyId, key.applicationKey)
    }

    /// The body of a connection creation.
    static func connectionJSON(name: String = "b2", keyId: String, secret: String) -> String {
        """
        {"name": "\(name)", "provider_type": "backblaze",
         "provider_config": {"credentials": {"type": "application_key", "key_id": "\(keyId)",
                                             "application_key": "\(secret)"}}}
        """
    }

    static let fullCapabilities = ["listBuckets", "listFiles", "readFiles", "writeFiles", "deleteFiles"]

    /// Creates a connection with a full key; returns its id and the key's secret.
    func connection() async throws -> (id: String, secret: String) {
        let key = try await key(Self.fullCapabilities)
        let created = try await call(
            .post, "/v1/connections", json: Self.connectionJSON(keyId: key.id, secret: key.secret))
        #expect(created.status == 201, "\(created.body)")
        return (try #require(created.json["id"] as? String), key.secret)
    }

    /// Polls a sync's runs until one exists (the scheduler queues it), and returns the newest one's id.
    func newestRun(sync: String) async throws -> String {
        for _ in 0..<600 {
            let runs = try await call(.get, "/v1/syncs/\(sync)/runs")
            if let id = (runs.json["data"] as? [[String: Any]])?.first?["id"] as? String { return id }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("sync \(sync) got no run")
        return ""
    }

    /// Polls a run until it has ended, up to a generous deadline (this waits; it asserts no timing).
    func finishedRun(sync: String, run: String) async throws -> [String: Any] {
        for _ in 0..<600 {
            let answer = try await call(.get, "/v1/syncs/\(sync)/runs/\(run)")
            if let status = answer.json["status"] as? String, status != "queued", status != "running" {
                return answer.json
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("run \(run) did not end")
        return [:]
    }
}

/// The store a test runs on: SQLite in the test's folder, or, with `B2KIT_TEST_SERVICE_STORE=postgres`, a new
/// database of its own (and its URL) on the PostgreSQL server `B2KIT_TEST_POSTGRES_URL` names (`scripts/test`
/// starts one).
func testStore(scratch: String) async throws -> (store: any ServiceStore, postgresURL: String?) {
    let environment = ProcessInfo.processInfo.environment
    guard environment["B2KIT_TEST_SERVICE_STORE"] == "postgres" else {
        return (try SQLiteServiceStore(path: scratch + "/db/service.db"), nil)
    }
    let url = try #require(
        environment["B2KIT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 },
        "B2KIT_TEST_SERVICE_STORE=postgres needs B2KIT_TEST_POSTGRES_URL (scripts/postgres-test-server prints one)")
    let database = try await newPostgresDatabase(serverURL: url)
    return (try await PostgresServiceStore(url: database), database)
}

extension ServiceWorld {
    /// A second store on the world's database, as another process would open it (its services not yet running).
    func reopenedStore() async throws -> any ServiceStore {
        guard let postgresURL else { return try SQLiteServiceStore(path: folder + "/db/service.db") }
        return try await PostgresServiceStore(url: postgresURL)
    }

    /// Every byte the service stored: the SQLite files (database, journal, WAL), or PostgreSQL's `pg_dump` of the
    /// test's database.
    func storedBytes() throws -> [Data] {
        guard let postgresURL else {
            let folder = folder + "/db"
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("service.db") }
                .map { try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0)) }
        }
        let dump = Process()
        dump.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        dump.arguments = ["pg_dump", "--no-owner", postgresURL]
        let output = Pipe()
        dump.standardOutput = output
        try dump.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        dump.waitUntilExit()
        try #require(dump.terminationStatus == 0, "pg_dump \(postgresURL) failed")
        return [bytes]
    }
}

/// Creates an empty database on the server `serverURL` names; returns its URL.
func newPostgresDatabase(serverURL: String) async throws -> String {
    let name = "b2svc_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    let admin = try await PostgresServiceStore(url: serverURL)
    try await PostgresServiceStore.withConnection(admin.connection, logger: admin.logger) { connection in
        try await connection.query("CREATE DATABASE \(unescaped: name)", logger: admin.logger)
    }
    var components = try #require(URLComponents(string: serverURL))
    components.path = "/" + name
    return try #require(components.string)
}
