import B2Emulator
import B2Kit
import Foundation
import HummingbirdTesting
import Synchronization
import Testing

@testable import B2KitCLI

/// Captures what a command prints.
final class Captured: Sendable {
    let out = Mutex("")
    let bytes = Mutex<[UInt8]>([])
    let err = Mutex("")

    func context(configuration: ConfigurationInputs, json: Bool = false) -> CommandContext {
        CommandContext(
            standardOutput: { text in self.out.withLock { $0 += text } },
            standardOutputBytes: { data in self.bytes.withLock { $0 += data.readableBytesView } },
            standardError: { text in self.err.withLock { $0 += text } },
            isTerminal: false, json: json, quiet: false, configuration: configuration
        )
    }

    var all: String {
        out.withLock { $0 } + err.withLock { $0 } + String(decoding: bytes.withLock { $0 }, as: UTF8.self)
    }
}

/// The inputs that select the built-in `local` profile, its emulator's data in `directory`/data.
func localProfileInputs(in directory: String) -> ConfigurationInputs {
    ConfigurationInputs(
        profile: "local", environment: ["B2KIT_LOCAL_DATA": directory + "/data"], currentDirectory: directory
    )
}

func temporaryDirectory() -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-cli-\(UUID())").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("Commands")
struct CommandTests {
    @Test("The local profile runs every command against the embedded emulator")
    func localProfile() async throws {
        let directory = temporaryDirectory()
        let inputs = localProfileInputs(in: directory)
        let captured = Captured()
        let context = captured.context(configuration: inputs)
        let bucket = try B2Path.parse("b2://local-cli-bucket", requireScheme: true)
        try await BucketOperations.make(context, path: bucket, isPublic: false)
        let source = directory + "/hello.txt"
        try Data("hello, local\n".utf8).write(to: URL(fileURLWithPath: source))
        let remote = try B2Path.parse("b2://local-cli-bucket/greet/hello.txt", requireScheme: true)
        try await TransferOperations.copy(context, from: .local(source), to: .remote(remote))
        try await ListOperation.run(context, path: bucket, recursive: true, versions: false, long: false)
        #expect(captured.out.withLock { $0 }.contains("greet/hello.txt\n"))
        try await TransferOperations.cat(context, path: remote)
        #expect(captured.bytes.withLock { $0 } == Array("hello, local\n".utf8))
        let target = directory + "/back.txt"
        try await TransferOperations.copy(context, from: .remote(remote), to: .local(target))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "hello, local\n")
        await #expect { try await BucketOperations.remove(context, path: bucket) } throws: { error in
            (error as? B2Error)?.message.contains("not empty") == true
        }
        try await TransferOperations.remove(context, path: remote, versions: true, recursive: false)
        try await BucketOperations.remove(context, path: bucket)
        // The state lives in the data folder: a second run sees the bucket gone.
        let again = Captured()
        try await ListOperation.run(
            again.context(configuration: inputs), path: nil, recursive: false, versions: false, long: false)
        #expect(again.out.withLock { $0 }.isEmpty)
    }

    @Test("rm deletes the latest version, every version, or a folder and nothing beside it")
    func remove() async throws {
        let directory = temporaryDirectory()
        let inputs = localProfileInputs(in: directory)
        let context = Captured().context(configuration: inputs)
        try await BucketOperations.make(
            context, path: try B2Path.parse("b2://rm-bucket", requireScheme: true), isPublic: false)
        let source = directory + "/f.txt"
        try Data("x".utf8).write(to: URL(fileURLWithPath: source))
        for name in ["v.txt", "v.txt", "v.txt", "tree/a", "tree/sub/b", "tree.txt", "treehouse/c"] {
            let path = try B2Path.parse("b2://rm-bucket/" + name, requireScheme: true)
            try await TransferOperations.copy(context, from: .local(source), to: .remote(path))
        }
        /// Every version in the bucket, one line each, as `ls -r --versions` prints them.
        func versions() async throws -> [String] {
            let listing = Captured()
            try await ListOperation.run(
                listing.context(configuration: inputs), path: try B2Path.parse("b2://rm-bucket", requireScheme: true),
                recursive: true, versions: true, long: false
            )
            return listing.out.withLock { $0 }.split(separator: "\n").map(String.init)
        }
        let path = { (name: String) in try B2Path.parse("b2://rm-bucket/" + name, requireScheme: true) }
        try await TransferOperations.remove(context, path: path("v.txt"), versions: false, recursive: false)
        #expect(try await versions().filter { $0 == "v.txt" }.count == 2)
        try await TransferOperations.remove(context, path: path("v.txt"), versions: true, recursive: false)
        #expect(try await versions().contains("v.txt") == false)
        // A folder is a prefix ending at "/": tree covers tree/..., never tree.txt or treehouse/.
        try await TransferOperations.remove(context, path: path("tree"), versions: true, recursive: true)
        #expect(try await versions() == ["tree.txt", "treehouse/c"])
        await #expect {
            try await TransferOperations.remove(context, path: path("v.txt"), versions: true, recursive: false)
        } throws: { error in
            (error as? B2Error)?.code == .notFound && (error as? B2Error)?.message.contains("v.txt") == true
        }
    }

    @Test("Bad input fails with one actionable error, usage errors marked as such")
    func badInput() async throws {
        let directory = temporaryDirectory()
        let local = localProfileInputs(in: directory)
        let context = Captured().context(configuration: local)
        let missing = try B2Path.parse("b2://no-such-bucket/x", requireScheme: true)
        await #expect { try await TransferOperations.cat(context, path: missing) } throws: { error in
            let error = error as? B2Error
            return error?.code == .notFound && error?.message.contains("no-such-bucket") == true
                && error?.isUsageError == false
        }
        await #expect {
            try await TransferOperations.copy(context, from: .local(directory + "/absent"), to: .remote(missing))
        } throws: { error in
            (error as? B2Error)?.message == "No such file: \(directory)/absent"
        }
        await #expect {
            try await TransferOperations.copy(context, from: .local(directory), to: .remote(missing))
        } throws: { error in
            (error as? B2Error)?.isUsageError == true && (error as? B2Error)?.message.contains("is a directory") == true
        }
        let nothing = ConfigurationInputs(environment: [:], currentDirectory: directory)
        await #expect { try await AccountOperation.run(Captured().context(configuration: nothing)) } throws: { error in
            let error = error as? B2Error
            return error?.code == .credentialsMissing && error?.isUsageError == true
                && error?.message.contains("B2_APPLICATION_KEY_ID") == true
        }
    }

    @Test("Secrets never appear in output or errors")
    func secrets() async throws {
        let secret = "K00SuperSecretValue123"
        let directory = temporaryDirectory()
        let server = try await EmulatorServer(
            configuration: .init(dataDirectory: directory + "/srv", port: 0, masterKeyId: "cliadmin", masterKey: secret)
        )
        try await server.application().test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let good = ConfigurationInputs(
                environment: [
                    "B2_APPLICATION_KEY_ID": "cliadmin", "B2_APPLICATION_KEY": secret, "B2_ENVIRONMENT": base,
                ],
                currentDirectory: directory
            )
            let captured = Captured()
            try await AccountOperation.run(captured.context(configuration: good))
            try await AccountOperation.run(captured.context(configuration: good, json: true))
            #expect(captured.out.withLock { $0 }.contains("cliadmin"))
            let wrong = ConfigurationInputs(
                keyId: "cliadmin", applicationKey: secret + "x", environment: ["B2_ENVIRONMENT": base],
                currentDirectory: directory
            )
            var thrown = ""
            do {
                try await AccountOperation.run(captured.context(configuration: wrong))
            } catch {
                thrown = String(describing: error)
            }
            #expect(thrown.contains("refused"))
            #expect(!thrown.contains(secret))
            #expect(!captured.all.contains(secret))
        }
    }
}
