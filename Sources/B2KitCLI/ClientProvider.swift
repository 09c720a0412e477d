import B2Emulator
import B2Kit
import B2SigV4
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the client a command uses from the resolved configuration; for the `local` profile it first starts the
/// embedded emulator in-process (on `B2KIT_LOCAL_DATA`, default `.b2kit-data`), and stops it afterwards.
public enum ClientProvider {
    /// Runs `body` with a client for the configured account.
    public static func withClient<Value: Sendable>(
        _ context: CommandContext,
        _ body: @Sendable (B2Client, ResolvedConfiguration) async throws -> Value
    ) async throws -> Value {
        let resolved = try ConfigurationResolver.resolve(context.configuration)
        switch resolved.target {
        case .remote(let keyId, let applicationKey):
            let client = B2Client(keyId: keyId, applicationKey: applicationKey, apiBaseURL: resolved.apiBaseURL)
            let value = try await body(client, resolved)
            return value
        case .local:
            let directory =
                context.configuration.environment["B2KIT_LOCAL_DATA"]
                ?? (context.configuration.currentDirectory + "/.b2kit-data")
            let server = try await EmulatorServer(
                configuration: EmulatorConfiguration(dataDirectory: directory, port: 0))
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = server.application { port in continuation.yield(port) }
            var quiet = Logger(label: "b2kit.local")
            quiet.logLevel = .critical
            let services = ServiceGroup(configuration: .init(services: [app], logger: quiet))
            return try await withThrowingTaskGroup(of: Value?.self) { group in
                group.addTask {
                    try await services.run()
                    return nil
                }
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next() else {
                    throw B2Error(.server, "The embedded emulator did not start on \(directory)")
                }
                let client = B2Client(
                    keyId: server.masterKeyId, applicationKey: server.masterKey, apiBaseURL: "http://127.0.0.1:\(port)"
                )
                let outcome: Result<Value, any Error>
                do {
                    outcome = .success(try await body(client, resolved))
                } catch {
                    outcome = .failure(error)
                }
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return try outcome.get()
            }
        }
    }

    /// Runs `body` with an S3 client for the configured account (for `s3://` paths).
    ///
    /// The endpoint is the override (`--endpoint-url`, `B2_ENDPOINT_URL`, `AWS_ENDPOINT` in the profile) when one is
    /// set, signed for the region its host names (else `B2_REGION`, `AWS_REGION`, `AWS_DEFAULT_REGION`, or
    /// `us-west-004`); otherwise the key is authorized natively and the `s3ApiUrl` and region it returns are used.
    /// The `local` profile holds the emulator's master key, which S3 refuses as B2 does, so for the length of the
    /// command it signs with an application key created with the master key's capabilities, then deleted.
    public static func withS3Client<Value: Sendable>(
        _ context: CommandContext,
        _ body: @Sendable (S3Client) async throws -> Value
    ) async throws -> Value {
        let resolved = try ConfigurationResolver.resolve(context.configuration)
        if case .remote(let keyId, let applicationKey) = resolved.target, let endpoint = resolved.endpointURLOverride {
            let environment = context.configuration.environment
            let region =
                Region(s3EndpointURL: endpoint)?.name ?? environment["B2_REGION"] ?? environment["AWS_REGION"]
                ?? environment["AWS_DEFAULT_REGION"] ?? Region.defaultName
            let client = try S3Client(
                endpoint: endpoint, region: region,
                credentials: SigV4Credentials(accessKeyId: keyId, secretAccessKey: applicationKey))
            return try await body(client)
        }
        return try await withClient(context) { client, resolved in
            guard resolved.target == .local else { return try await body(try await client.s3Client()) }
            let account = try await client.account()
            let key = try await client.createKey(
                named: "b2kit-local-s3", capabilities: account.capabilities.filter { $0 != "writeKeys" })
            let outcome: Result<Value, any Error>
            do {
                let credentials = SigV4Credentials(
                    accessKeyId: key.applicationKeyId, secretAccessKey: key.applicationKey)
                outcome = .success(try await body(try await client.s3Client(credentials: credentials)))
            } catch {
                outcome = .failure(error)
            }
            try? await client.deleteKey(id: key.applicationKeyId)
            return try outcome.get()
        }
    }
}
