import AsyncHTTPClient
import B2Kit
import B2SigV4
import Foundation
import NIOCore
import NIOPosix

/// moto's S3 server (`python3 -m moto.server`) started on a free port with signature checking on: the first three
/// calls (IAM CreateUser, CreateAccessKey, PutUserPolicy with an allow-all policy) are the only unauthenticated
/// ones (`INITIAL_NO_AUTH_ACTION_COUNT=3`); every later request must be signed with the key they created.
///
/// moto is a Python package (`pip install moto[server]`, done by scripts/install-peers). Without it these tests are
/// skipped, unless the `CI` environment variable is set: then they run and fail, saying how to install it.
/// Shared by B2KitTests (the S3 client) and B2KitCLITests (the s3:// commands).
public struct MotoServer: Sendable {
    /// The server's base URL, `http://127.0.0.1:PORT`.
    public let endpoint: String
    /// The key moto's IAM created, allowed everything.
    public let credentials: SigV4Credentials

    static let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"

    /// Whether the tests should run: moto importable, or CI set (then a missing moto is a failure, not a skip).
    public static let shouldRun: Bool = ProcessInfo.processInfo.environment["CI"] != nil || isInstalled

    static var isInstalled: Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", "import moto.server, flask"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Starts moto, creates the IAM user, key and policy, runs `body`, and stops moto.
    /// - Throws: ``B2Error`` saying how to install moto when it is missing.
    public static func run<Value: Sendable>(_ body: (MotoServer) async throws -> Value) async throws -> Value {
        guard isInstalled else {
            throw B2Error(
                .configuration,
                "moto is not installed for \(python): run scripts/install-peers (pip install 'moto[server]'), "
                    + "or unset CI to skip the moto tests")
        }
        // The free port is only free when asked: another test's server can take it before moto binds. Then moto
        // exits ("Address already in use") and another port is tried.
        var attempt = 0
        while true {
            attempt += 1
            let port = try await freePort()
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(port).log").path
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python, "-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)]
            var environment = ProcessInfo.processInfo.environment
            environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
            process.environment = environment
            let output = FileHandle(forWritingAtPath: log)
            process.standardOutput = output
            process.standardError = output
            try process.run()
            defer {
                // moto's werkzeug server does not stop on SIGTERM; SIGKILL it (it keeps no state worth saving).
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                try? output?.close()
                try? FileManager.default.removeItem(atPath: log)
            }
            let endpoint = "http://127.0.0.1:\(port)"
            do {
                try await waitUntilServing(endpoint, process: process, log: log)
            } catch let error as B2Error where error.message.contains("Address already in use") && attempt < 5 {
                continue
            }
            let credentials = try await bootstrapIAM(endpoint)
            return try await body(MotoServer(endpoint: endpoint, credentials: credentials))
        }
    }

    /// An S3 client for this server with instant retries.
    public func client(region: String = "us-west-004", secret: String? = nil, keyId: String? = nil) throws -> S3Client {
        try S3Client(
            endpoint: endpoint, region: region,
            credentials: SigV4Credentials(
                accessKeyId: keyId ?? credentials.accessKeyId,
                secretAccessKey: secret ?? credentials.secretAccessKey),
            retryPolicy: RetryPolicy(maximumAttempts: 2, jitter: { 0 }, sleep: { _ in }))
    }

    private static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }

    /// Polls moto's dashboard API (not an authenticated action) until it answers; gives up after 60 s.
    private static func waitUntilServing(_ endpoint: String, process: Process, log: String) async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard process.isRunning else { break }
            let request = HTTPClientRequest(url: endpoint + "/moto-api/data.json")
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)),
                response.status.code == 200
            {
                _ = try? await response.body.collect(upTo: 1 << 24)
                // Answered by this moto, not by another test's that holds the port while this one exits.
                try await Task.sleep(for: .milliseconds(200))
                guard process.isRunning else { break }
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        throw B2Error(.server, "moto did not start on \(endpoint): \(output.suffix(2000))")
    }

    /// The three unauthenticated IAM calls: a user, its access key, and an allow-all inline policy.
    private static func bootstrapIAM(_ endpoint: String) async throws -> SigV4Credentials {
        _ = try await iam(endpoint, ["Action": "CreateUser", "UserName": "b2kit"])
        let key = try await iam(endpoint, ["Action": "CreateAccessKey", "UserName": "b2kit"])
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        _ = try await iam(
            endpoint,
            ["Action": "PutUserPolicy", "UserName": "b2kit", "PolicyName": "allow-all", "PolicyDocument": policy])
        guard let id = element("AccessKeyId", in: key), let secret = element("SecretAccessKey", in: key) else {
            throw B2Error(.server, "moto's CreateAccessKey answer had no key")
        }
        return SigV4Credentials(accessKeyId: id, secretAccessKey: secret)
    }

    /// One IAM query-API call, signed with a throw-away key (moto does not check these first calls).
    private static func iam(_ endpoint: String, _ parameters: [String: String]) async throws -> String {
        let form = (parameters.merging(["Version": "2010-05-08"]) { $1 })
            .sorted { $0.key < $1.key }
            .map { "\(PercentEncoding.sigV4.encode($0.key))=\(PercentEncoding.sigV4.encode($0.value))" }
            .joined(separator: "&")
        let host = String(endpoint.dropFirst("http://".count))
        let signable = SigV4Request(
            method: "POST", host: host, path: "/",
            headers: [SigV4Request.Header("content-type", "application/x-www-form-urlencoded; charset=utf-8")])
        let signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyId: "AKIDBOOTSTRAP", secretAccessKey: "bootstrap"),
            region: "us-east-1", service: "iam")
        let signature = signer.signHeaders(signable, payload: .sha256(of: Array(form.utf8)), date: Date())
        var request = HTTPClientRequest(url: endpoint + "/")
        request.method = .POST
        for header in signable.headers + signature.headers {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status.code == 200 else {
            throw B2Error(
                .server,
                "moto IAM \(parameters["Action"] ?? "") failed: HTTP \(response.status.code) "
                    + String(buffer: body))
        }
        return String(buffer: body)
    }

    /// The text of the first `<name>` element (IAM answers are flat enough for this).
    private static func element(_ name: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(name)>"),
            let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[start.upperBound..<end.lowerBound])
    }
}
