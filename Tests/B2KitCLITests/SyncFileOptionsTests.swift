import B2Kit
import B2Sync
import Foundation
import Testing

@testable import B2KitCLI

@Suite("sync and server-side cp keep SSE-C with a key per side, and sync never deletes a locked version")
struct SyncFileOptionsTests {
    static func key(_ seed: UInt8) -> [UInt8] { (0..<32).map { UInt8(truncatingIfNeeded: Int($0) * 11 + Int(seed)) } }

    static func sync(
        _ context: CommandContext, _ from: String, _ to: String, options: SyncOptions, state: String
    ) async throws -> SyncSummary {
        try await SyncOperation.run(
            context,
            SyncOperation.Request(
                source: try SyncEndpoint.parse(from), destination: try SyncEndpoint.parse(to), options: options,
                statePath: state),
            stop: StopRequest())
    }

    /// The encryption mode of each version under `prefix`, by name.
    static func modes(_ context: CommandContext, bucket: String, prefix: String) async throws -> [String: String] {
        try await ClientProvider.withClient(context) { client, _ in
            let bucket = try await client.bucket(named: bucket)
            var modes: [String: String] = [:]
            for name in ["a.txt", "b/c.txt"] {
                modes[name] = try await client.fileVersion(in: bucket, named: prefix + name)?.encryptionMode ?? "none"
            }
            return modes
        }
    }

    @Test("Local to SSE-C, SSE-C to SSE-B2 by server-side copy, SSE-C back to local; no key is a failure")
    func keyPerSide() async throws {
        let directory = temporaryDirectory()
        let context = Captured().context(configuration: localProfileInputs(in: directory))
        try await BucketOperations.make(
            context, path: try B2Path.parse("b2://sync-sse-bucket", requireScheme: true), isPublic: false)
        let local = directory + "/local"
        try FileManager.default.createDirectory(atPath: local + "/b", withIntermediateDirectories: true)
        try Data("alpha\n".utf8).write(to: URL(fileURLWithPath: local + "/a.txt"))
        try Data("gamma\n".utf8).write(to: URL(fileURLWithPath: local + "/b/c.txt"))
        let sourceKey = B2Encryption.sseC(key: Self.key(1))

        let up = try await Self.sync(
            context, local, "b2://sync-sse-bucket/sealed", options: SyncOptions(destinationEncryption: sourceKey),
            state: directory + "/up.db")
        #expect(up.copied == 2 && up.isComplete)
        #expect(
            try await Self.modes(context, bucket: "sync-sse-bucket", prefix: "sealed/")
                == ["a.txt": "SSE-C", "b/c.txt": "SSE-C"])

        let copied = try await Self.sync(
            context, "b2://sync-sse-bucket/sealed", "b2://sync-sse-bucket/b2",
            options: SyncOptions(sourceEncryption: sourceKey, destinationEncryption: .sseB2),
            state: directory + "/copy.db")
        #expect(copied.copied == 2 && copied.isComplete, "\(copied.failures)")
        #expect(
            try await Self.modes(context, bucket: "sync-sse-bucket", prefix: "b2/")
                == ["a.txt": "SSE-B2", "b/c.txt": "SSE-B2"])

        let back = directory + "/back"
        let down = try await Self.sync(
            context, "b2://sync-sse-bucket/sealed", back, options: SyncOptions(sourceEncryption: sourceKey),
            state: directory + "/down.db")
        #expect(down.copied == 2 && down.isComplete, "\(down.failures)")
        #expect(try String(contentsOfFile: back + "/b/c.txt", encoding: .utf8) == "gamma\n")

        // Without the source's key every object fails, and nothing is left half-written.
        let keyless = directory + "/keyless"
        let refused = try await Self.sync(
            context, "b2://sync-sse-bucket/sealed", keyless, options: SyncOptions(), state: directory + "/no.db")
        #expect(refused.failures.count == 2 && refused.copied == 0)
        let leftovers = (try? FileManager.default.subpathsOfDirectory(atPath: keyless)) ?? []
        #expect(leftovers.filter { !$0.hasSuffix("/") && $0 != "b" } == [], "\(leftovers)")

        // Options that would do nothing are usage errors.
        await #expect {
            try await Self.sync(
                context, local, "b2://sync-sse-bucket/x", options: SyncOptions(sourceEncryption: sourceKey),
                state: directory + "/bad.db")
        } throws: { error in
            (error as? B2Error)?.code == .usage
        }
    }

    @Test("cp between b2:// paths takes the source's key and encrypts the copy as asked")
    func serverSideCopy() async throws {
        let directory = temporaryDirectory()
        let context = Captured().context(configuration: localProfileInputs(in: directory))
        try await BucketOperations.make(
            context, path: try B2Path.parse("b2://cp-sse-bucket", requireScheme: true), isPublic: false)
        let file = directory + "/plain.txt"
        try Data("copied with keys\n".utf8).write(to: URL(fileURLWithPath: file))
        let first = B2Encryption.sseC(key: Self.key(3))
        let second = B2Encryption.sseC(key: Self.key(4))
        let sealed = try B2Path.parse("b2://cp-sse-bucket/sealed.txt", requireScheme: true)
        let resealed = try B2Path.parse("b2://cp-sse-bucket/resealed.txt", requireScheme: true)
        try await TransferOperations.copy(
            context, from: .local(file), to: .remote(sealed), options: B2FileOptions(encryption: first))
        await #expect {
            try await TransferOperations.copy(context, from: .remote(sealed), to: .remote(resealed))
        } throws: { error in
            (error as? B2Error)?.message.contains("give its key with --source-sse-c-key-file") == true
        }
        try await TransferOperations.copy(
            context, from: .remote(sealed), to: .remote(resealed), options: B2FileOptions(encryption: second),
            sourceKey: first)
        let back = directory + "/back.txt"
        try await TransferOperations.copy(
            context, from: .remote(resealed), to: .local(back), options: B2FileOptions(encryption: second))
        #expect(try String(contentsOfFile: back, encoding: .utf8) == "copied with keys\n")
        await #expect {
            try await TransferOperations.copy(
                context, from: .remote(resealed), to: .local(directory + "/wrong.txt"),
                options: B2FileOptions(encryption: first))
        } throws: { _ in true }
        #expect(!FileManager.default.fileExists(atPath: directory + "/wrong.txt"))
    }

    @Test("sync --delete reports a version under a legal hold or retention as refused, and keeps it")
    func lockedVersionsAreRefused() async throws {
        let directory = temporaryDirectory()
        let context = Captured().context(configuration: localProfileInputs(in: directory))
        try await BucketOperations.make(
            context, path: try B2Path.parse("b2://sync-lock-bucket", requireScheme: true), isPublic: false,
            settings: B2BucketSettings(fileLockEnabled: true))
        let file = directory + "/kept.txt"
        try Data("kept\n".utf8).write(to: URL(fileURLWithPath: file))
        let until = Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000
        for (name, options) in [
            ("held.txt", B2FileOptions(legalHold: true)),
            ("retained.txt", B2FileOptions(retention: B2Retention(mode: .governance, retainUntilMillis: until))),
            ("free.txt", B2FileOptions()),
        ] {
            try await TransferOperations.copy(
                context, from: .local(file),
                to: .remote(try B2Path.parse("b2://sync-lock-bucket/dst/\(name)", requireScheme: true)),
                options: options)
        }
        let empty = directory + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let summary = try await Self.sync(
            context, empty, "b2://sync-lock-bucket/dst", options: SyncOptions(delete: true),
            state: directory + "/lock.db")
        #expect(summary.deleted == 1)
        #expect(summary.failures == [])
        #expect(summary.refused.map(\.name).sorted() == ["held.txt", "retained.txt"])
        #expect(summary.refused.first { $0.name == "held.txt" }?.reason.contains("legal hold") == true)
        #expect(summary.refused.first { $0.name == "retained.txt" }?.reason.contains("governance retention") == true)
        #expect(!summary.isComplete)
        let left = try await ClientProvider.withClient(context) { client, _ in
            let bucket = try await client.bucket(named: "sync-lock-bucket")
            return [
                try await client.fileVersion(in: bucket, named: "dst/held.txt") != nil,
                try await client.fileVersion(in: bucket, named: "dst/retained.txt") != nil,
                try await client.fileVersion(in: bucket, named: "dst/free.txt") != nil,
            ]
        }
        #expect(left == [true, true, false])
    }
}
