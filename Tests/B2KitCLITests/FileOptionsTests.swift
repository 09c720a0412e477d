import B2Kit
import B2SigV4
import Foundation
import Testing

@testable import B2KitCLI

@Suite("cp takes --sse B2|C --sse-c-key-file, --retention --retain-until and --legal-hold")
struct FileOptionsTests {
    static func write(_ bytes: [UInt8], in directory: String, name: String) throws -> String {
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("Uploads are encrypted and locked as asked; an SSE-C file downloads with its key only")
    func uploadAndDownload() async throws {
        let directory = temporaryDirectory()
        let inputs = localProfileInputs(in: directory)
        let context = Captured().context(configuration: inputs)
        let bucket = try B2Path.parse("b2://options-bucket", requireScheme: true)
        try await BucketOperations.make(
            context, path: bucket, isPublic: false, settings: B2BucketSettings(fileLockEnabled: true))
        let key = (0..<32).map { UInt8($0 * 7 % 256) }
        let keyFile = try Self.write(Array(Data(key).base64EncodedString().utf8), in: directory, name: "key.b64")
        let data = Array("only with the key\n".utf8)
        let source = try Self.write(data, in: directory, name: "secret.txt")

        let sealed = try B2Path.parse("b2://options-bucket/sealed.txt", requireScheme: true)
        try await TransferOperations.copy(
            context, from: .local(source), to: .remote(sealed),
            options: try FileOptionsInput(sse: "C", sseCKeyFile: keyFile).options())
        let until = Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000
        let held = try B2Path.parse("b2://options-bucket/held.txt", requireScheme: true)
        try await TransferOperations.copy(
            context, from: .local(source), to: .remote(held),
            options: try FileOptionsInput(
                sse: "B2", retention: "governance", retainUntil: String(until), legalHold: "on"
            )
            .options())

        let versions = try await ClientProvider.withClient(context) { client, _ in
            let bucket = try await client.bucket(named: "options-bucket")
            return (
                try await client.fileVersion(in: bucket, named: "sealed.txt"),
                try await client.fileVersion(in: bucket, named: "held.txt")
            )
        }
        #expect(versions.0?.encryptionMode == "SSE-C")
        #expect(versions.1?.encryptionMode == "SSE-B2")
        #expect(versions.1?.retention == B2Retention(mode: .governance, retainUntilMillis: until))
        #expect(versions.1?.isLegalHoldOn == true)

        let back = directory + "/back.txt"
        try await TransferOperations.copy(
            context, from: .remote(sealed), to: .local(back),
            options: try FileOptionsInput(sse: "C", sseCKeyFile: keyFile).options())
        #expect(try Data(contentsOf: URL(fileURLWithPath: back)) == Data(data))
        let without = directory + "/without.txt"
        await #expect {
            try await TransferOperations.copy(context, from: .remote(sealed), to: .local(without))
        } throws: { error in
            (error as? B2Error)?.message.contains("encrypted with SSE-C: give its key with --sse C") == true
        }
        #expect(!FileManager.default.fileExists(atPath: without))

        // ls -l shows how each version is kept.
        let listed = Captured()
        try await ListOperation.run(
            listed.context(configuration: inputs), path: bucket, recursive: true, versions: false, long: true)
        let lines = listed.out.withLock { $0 }.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let untilText = ISO8601Timestamp.string(from: Date(timeIntervalSince1970: Double(until) / 1000))
        #expect(lines.map { $0[3] } == ["SSE-B2,governance:\(untilText),hold", "SSE-C"], "\(lines)")
        #expect(lines.map { $0[4] } == ["held.txt", "sealed.txt"])

        // The hold and the retention keep the file: rm is refused.
        await #expect(throws: B2Error.self) {
            try await TransferOperations.remove(context, path: held, versions: true, recursive: false)
        }
    }

    @Test("Malformed file options are usage errors that say what to give")
    func malformed() async throws {
        let directory = temporaryDirectory()
        let short = try Self.write([1, 2, 3], in: directory, name: "short.key")
        let cases: [(FileOptionsInput, String)] = [
            (FileOptionsInput(sse: "D"), "--sse takes B2 or C"),
            (FileOptionsInput(sse: "C"), "--sse C needs --sse-c-key-file"),
            (FileOptionsInput(sse: "C", sseCKeyFile: short), "An SSE-C key is 32 bytes"),
            (FileOptionsInput(sse: "C", sseCKeyFile: directory + "/none"), "cannot read the file"),
            (FileOptionsInput(sseCKeyFile: short), "--sse-c-key-file goes with --sse C"),
            (FileOptionsInput(retention: "governance"), "--retention and --retain-until go together"),
            (FileOptionsInput(retention: "forever", retainUntil: "1"), "--retention takes governance or compliance"),
            (FileOptionsInput(retention: "compliance", retainUntil: "next week"), "--retain-until takes an ISO 8601"),
            (FileOptionsInput(legalHold: "maybe"), "--legal-hold takes on or off"),
        ]
        for (input, message) in cases {
            #expect { try input.options() } throws: { error in
                guard let error = error as? B2Error else { return false }
                return error.code == .usage && error.message.contains(message)
            }
        }
        let iso = try FileOptionsInput(retention: "compliance", retainUntil: "2030-01-01T00:00:00Z").options()
        #expect(iso.retention == B2Retention(mode: .compliance, retainUntilMillis: 1_893_456_000_000))

        let context = Captured().context(configuration: localProfileInputs(in: directory))
        let remote = try B2Path.parse("b2://any-bucket/x", requireScheme: true)
        await #expect {
            try await TransferOperations.copy(
                context, from: .remote(remote), to: .local(directory + "/x"),
                options: B2FileOptions(legalHold: true))
        } throws: { error in
            (error as? B2Error)?.code == .usage
        }
    }
}

@Test("An SSE-C key never shows when options are printed")
func keyStaysSecret() throws {
    let key = Array(repeating: UInt8(0x41), count: 32)
    let options = B2FileOptions(encryption: .sseC(key: key))
    for text in ["\(options)", String(reflecting: options), "\(options.encryption!)"] {
        #expect(!text.contains(Data(key).base64EncodedString()), "\(text)")
        #expect(!text.contains("65, 65, 65"), "\(text)")
        #expect(text.contains("SSE-C"), "\(text)")
    }
}
