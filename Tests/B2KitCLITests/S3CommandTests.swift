import B2Kit
import Foundation
import MotoSupport
import Testing

@testable import B2KitCLI

/// The s3:// forms of ls, mb, rb, cp, cat and rm, run as the executable runs them, against moto with signature
/// checking on, reached through `--endpoint-url` with the key moto's IAM created.
@Suite(
    "s3:// commands against moto",
    .enabled(
        if: MotoServer.shouldRun, "moto is not installed: scripts/install-peers installs it (set CI to require it)"),
    .timeLimit(.minutes(5))
)
struct S3CommandTests {
    static func inputs(_ moto: MotoServer, directory: String) -> ConfigurationInputs {
        ConfigurationInputs(
            keyId: moto.credentials.accessKeyId, applicationKey: moto.credentials.secretAccessKey,
            endpointURL: moto.endpoint, environment: [:], currentDirectory: directory)
    }

    @Test("mb, cp up (one part and multipart), ls, cat, cp down, cp s3 to s3, rm, rm --recursive, rb")
    func roundTrip() async throws {
        try await MotoServer.run { moto in
            let directory = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let captured = Captured()
            let context = captured.context(configuration: Self.inputs(moto, directory: directory))
            let bucket = try B2Path.parse("s3://b2kit-cli-moto", requireScheme: true)
            try await BucketOperations.make(context, path: bucket, isPublic: false)
            #expect(captured.out.withLock { $0 }.contains("created s3://b2kit-cli-moto"))

            let small = directory + "/hello.txt"
            try Data("hello over s3\n".utf8).write(to: URL(fileURLWithPath: small))
            let large = directory + "/large.bin"
            let largeBytes = (0..<(11 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
            try Data(largeBytes).write(to: URL(fileURLWithPath: large))
            let folder = try B2Path.parse("s3://b2kit-cli-moto/greet/", requireScheme: true)
            try await TransferOperations.copy(context, from: .local(small), to: .remote(folder))
            try await TransferOperations.copy(context, from: .local(large), to: .remote(folder), partSize: 5 << 20)
            let printed = captured.out.withLock { $0 }
            #expect(printed.contains("uploaded s3://b2kit-cli-moto/greet/hello.txt (14 bytes"))
            // Uploaded as 3 parts of 5, 5 and 1 MiB: the multipart ETag ends in -3.
            #expect(printed.contains("uploaded s3://b2kit-cli-moto/greet/large.bin (11534336 bytes, etag "))
            #expect(printed.contains("-3)"))

            let remote = try B2Path.parse("s3://b2kit-cli-moto/greet/hello.txt", requireScheme: true)
            let copy = try B2Path.parse("s3://b2kit-cli-moto/copies/hello again.txt", requireScheme: true)
            try await TransferOperations.copy(context, from: .remote(remote), to: .remote(copy))

            captured.out.withLock { $0 = "" }
            try await ListOperation.run(context, path: bucket, recursive: true, versions: false, long: false)
            #expect(
                captured.out.withLock { $0 } == "copies/hello again.txt\ngreet/hello.txt\ngreet/large.bin\n")

            try await TransferOperations.cat(context, path: copy)
            #expect(captured.bytes.withLock { $0 } == Array("hello over s3\n".utf8))
            let back = directory + "/back.bin"
            let largeRemote = try B2Path.parse("s3://b2kit-cli-moto/greet/large.bin", requireScheme: true)
            try await TransferOperations.copy(context, from: .remote(largeRemote), to: .local(back))
            #expect(FileManager.default.contentsEqual(atPath: large, andPath: back))

            await #expect { try await BucketOperations.remove(context, path: bucket) } throws: { error in
                (error as? B2Error)?.message.contains("b2kit rm --recursive s3://b2kit-cli-moto/") == true
            }
            try await TransferOperations.remove(context, path: copy, versions: false, recursive: false)
            await #expect {
                try await TransferOperations.remove(context, path: copy, versions: false, recursive: false)
            } throws: { ($0 as? B2Error)?.code == .notFound }
            captured.out.withLock { $0 = "" }
            try await TransferOperations.remove(context, path: bucket, versions: false, recursive: true)
            #expect(captured.out.withLock { $0 } == "deleted greet/hello.txt\ndeleted greet/large.bin\n")
            try await BucketOperations.remove(context, path: bucket)
            #expect(captured.out.withLock { $0 }.hasSuffix("deleted s3://b2kit-cli-moto\n"))
        }
    }

    @Test("a wrong key reaches the user as SignatureDoesNotMatch without the key in the message")
    func wrongKey() async throws {
        try await MotoServer.run { moto in
            let directory = temporaryDirectory()
            let inputs = ConfigurationInputs(
                keyId: moto.credentials.accessKeyId, applicationKey: "not-the-right-key-123",
                endpointURL: moto.endpoint, environment: [:], currentDirectory: directory)
            let captured = Captured()
            let path = try B2Path.parse("s3://any-bucket/x", requireScheme: true)
            await #expect {
                try await ListOperation.run(
                    captured.context(configuration: inputs), path: path, recursive: true, versions: false,
                    long: false)
            } throws: { error in
                guard let error = error as? B2Error else { return false }
                return error.context.s3Code == "SignatureDoesNotMatch"
                    && !error.description.contains("not-the-right-key-123")
            }
        }
    }
}

@Suite("s3:// usage errors")
struct S3UsageTests {
    @Test("b2-only options and mixed schemes are usage errors that say what to use instead")
    func usage() async throws {
        let inputs = ConfigurationInputs(
            keyId: "k", applicationKey: "s", endpointURL: "http://127.0.0.1:9", environment: [:],
            currentDirectory: temporaryDirectory())
        let context = Captured().context(configuration: inputs)
        let s3 = try B2Path.parse("s3://bucket/a.txt", requireScheme: true)
        let b2 = try B2Path.parse("b2://bucket/a.txt", requireScheme: true)
        await #expect {
            try await ListOperation.run(context, path: s3, recursive: false, versions: true, long: false)
        } throws: { error in
            let error = error as? B2Error
            return error?.isUsageError == true && error?.message.contains("b2://bucket/") == true
        }
        await #expect { try await TransferOperations.copy(context, from: .remote(b2), to: .remote(s3)) } throws: {
            ($0 as? B2Error)?.isUsageError == true
        }
        await #expect { try await TransferOperations.url(context, path: s3) } throws: {
            ($0 as? B2Error)?.message.contains("b2://bucket/a.txt") == true
        }
    }
}

@Suite("s3:// commands on the local profile")
struct S3LocalProfileTests {
    @Test("the local profile serves s3:// from the embedded emulator, on the same files as b2://")
    func localProfile() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inputs = localProfileInputs(in: directory)
        let captured = Captured()
        let context = captured.context(configuration: inputs)
        let bucket = try B2Path.parse("s3://local-s3-bucket", requireScheme: true)
        try await BucketOperations.make(context, path: bucket, isPublic: false)
        let source = directory + "/note.txt"
        try Data("written over s3\n".utf8).write(to: URL(fileURLWithPath: source))
        try await TransferOperations.copy(
            context, from: .local(source), to: .remote(try B2Path.parse("s3://local-s3-bucket/d/", requireScheme: true))
        )
        // Read back through the native API: one store.
        try await TransferOperations.cat(
            context, path: try B2Path.parse("b2://local-s3-bucket/d/note.txt", requireScheme: true))
        #expect(captured.bytes.withLock { $0 } == Array("written over s3\n".utf8))
        captured.out.withLock { $0 = "" }
        try await ListOperation.run(context, path: bucket, recursive: false, versions: false, long: false)
        #expect(captured.out.withLock { $0 } == "d/\n")
        try await TransferOperations.remove(context, path: bucket, versions: false, recursive: true)
        // As on B2, an S3 delete only hides the file: the bucket keeps its versions until they are deleted too.
        await #expect { try await BucketOperations.remove(context, path: bucket) } throws: { error in
            (error as? B2Error)?.message.contains("b2kit rm --recursive --versions b2://local-s3-bucket/") == true
        }
        try await TransferOperations.remove(
            context, path: try B2Path.parse("b2://local-s3-bucket/", requireScheme: true), versions: true,
            recursive: true)
        try await BucketOperations.remove(context, path: bucket)
        #expect(captured.out.withLock { $0 }.hasSuffix("deleted s3://local-s3-bucket\n"))
    }
}
