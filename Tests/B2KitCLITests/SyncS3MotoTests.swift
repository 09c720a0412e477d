import B2Kit
import B2Sync
import Foundation
import MotoSupport
import Testing

@testable import B2KitCLI

/// `b2kit sync` with an `s3://` side against moto with signature checking on, reached through `--endpoint-url`:
/// the S3 client's requests as sync makes them (ListObjectsV2 pages, PutObject, GetObject,
/// DeleteObject) pass a real SigV4 verifier that is not ours.
@Suite(
    "sync s3:// against moto",
    .enabled(
        if: MotoServer.shouldRun, "moto is not installed: scripts/install-peers installs it (set CI to require it)"),
    .timeLimit(.minutes(5))
)
struct SyncS3MotoTests {
    @Test("a folder up to s3:// and back down: bytes equal, reruns copy nothing, --delete removes the key")
    func upAndDown() async throws {
        try await MotoServer.run { moto in
            let directory = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let inputs = ConfigurationInputs(
                keyId: moto.credentials.accessKeyId, applicationKey: moto.credentials.secretAccessKey,
                endpointURL: moto.endpoint, environment: [:], currentDirectory: directory)
            let context = Captured().context(configuration: inputs)
            try await moto.client().createBucket("sync-moto")
            let source = directory + "/src"
            let files = [
                "a.b": Data("dot".utf8), "a/b": Data("slash".utf8), "a0": Data(),
                "deep/with space/x.json": Data("{\"k\": 1}".utf8),
                "six.bin": Data((0..<(6 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 40_503 >> 5) }),
            ]
            for (name, data) in files {
                let path = source + "/" + name
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: path))
            }
            // The whole bucket, and ASCII names: moto's signature check refuses a ListObjectsV2 whose prefix holds a
            // `/` (sent as `%2F`, as SigV4 specifies) and a key with non-ASCII letters, which the emulator's
            // verifier accepts; prefixes and such names are left to the emulator's tests.
            let remote = SyncEndpoint.bucket(try B2Path.parse("s3://sync-moto", requireScheme: true))
            func sync(_ from: SyncEndpoint, _ to: SyncEndpoint, delete: Bool = false, state: String) async throws
                -> SyncSummary
            {
                try await SyncOperation.run(
                    context,
                    SyncOperation.Request(
                        source: from, destination: to, options: SyncOptions(delete: delete),
                        statePath: directory + "/" + state),
                    stop: StopRequest())
            }
            let up = try await sync(.folder(source), remote, state: "up.db")
            #expect(up.copied == files.count && up.isComplete, "\(up.failures)")
            #expect(try await sync(.folder(source), remote, state: "up.db").copied == 0)

            let down = directory + "/down"
            let fetched = try await sync(remote, .folder(down), state: "down.db")
            #expect(fetched.copied == files.count && fetched.isComplete)
            for (name, data) in files { #expect(FileManager.default.contents(atPath: down + "/" + name) == data) }
            #expect(try await sync(remote, .folder(down), state: "down.db").copied == 0)

            try FileManager.default.removeItem(atPath: source + "/a/b")
            let mirrored = try await sync(.folder(source), remote, delete: true, state: "up.db")
            #expect(mirrored.deleted == 1 && mirrored.copied == 0)
            var keys: [String] = []
            for try await object in try moto.client().listObjects(bucket: "sync-moto") { keys.append(object.key) }
            #expect(keys == ["a.b", "a0", "deep/with space/x.json", "six.bin"])
        }
    }
}
