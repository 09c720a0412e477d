import B2Kit
import Foundation
import Testing

@testable import B2KitCLI

@Suite("mb and bucket update take lifecycle rules, default encryption, Object Lock, CORS and replication")
struct BucketSettingsTests {
    static func write(_ text: String, in directory: String, name: String) throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("Settings given to mb and bucket update reach the bucket, and the emulator applies them")
    func settingsRoundTrip() async throws {
        let directory = temporaryDirectory()
        let inputs = localProfileInputs(in: directory)
        let captured = Captured()
        let lifecycle = try Self.write(
            #"[{"fileNamePrefix": "logs/", "daysFromHidingToDeleting": 7}]"#, in: directory, name: "rules.json")
        let settings = try BucketSettingsInput(lifecycleFile: lifecycle, defaultSSE: "b2", fileLock: true).settings()
        let bucket = try B2Path.parse("b2://settings-bucket", requireScheme: true)
        try await BucketOperations.make(
            captured.context(configuration: inputs), path: bucket, isPublic: false, settings: settings)
        let said = captured.out.withLock { $0 }
        #expect(said.contains("created b2://settings-bucket (allPrivate"), "\(said)")
        #expect(said.contains("Object Lock on"), "\(said)")
        #expect(said.contains("default encryption SSE-B2"), "\(said)")
        #expect(said.contains("1 lifecycle rule"), "\(said)")

        // A file uploaded afterwards is encrypted by the bucket's default.
        let source = try Self.write("secret", in: directory, name: "a.txt")
        let remote = try B2Path.parse("b2://settings-bucket/a.txt", requireScheme: true)
        try await TransferOperations.copy(
            captured.context(configuration: inputs), from: .local(source), to: .remote(remote))
        let blobs = try FileManager.default.contentsOfDirectory(atPath: directory + "/data/blobs")
        #expect(blobs.count == 1)
        let stored = try Data(contentsOf: URL(fileURLWithPath: directory + "/data/blobs/" + blobs[0]))
        #expect(stored != Data("secret".utf8))

        let cors = try Self.write(
            #"[{"corsRuleName": "web-pages", "allowedOrigins": ["https://example.com"], "allowedOperations": ["b2_download_file_by_name"], "maxAgeSeconds": 60}]"#,
            in: directory, name: "cors.json")
        let json = Captured()
        try await BucketOperations.update(
            json.context(configuration: inputs, json: true), path: bucket, type: "allPublic",
            settings: try BucketSettingsInput(
                lifecycleFile: try Self.write("[]", in: directory, name: "none.json"),
                defaultSSE: "none", corsFile: cors
            ).settings())
        let reply = try #require(
            try JSONSerialization.jsonObject(with: Data(json.out.withLock { $0 }.utf8)) as? [String: Any])
        #expect(reply["bucketType"] as? String == "allPublic")
        #expect(reply["defaultServerSideEncryption"] as? String == "none")
        #expect(reply["fileLockEnabled"] as? Bool == true)
        #expect((reply["lifecycleRules"] as? [Any])?.isEmpty == true)
        #expect(reply["revision"] as? Int == 2)
    }

    @Test("Malformed settings are usage errors that name the option and file, and nothing is created")
    func malformed() async throws {
        let directory = temporaryDirectory()
        let notJSON = try Self.write("{fileNamePrefix: logs}", in: directory, name: "bad.json")
        let noPrefix = try Self.write(#"[{"daysFromHidingToDeleting": 1}]"#, in: directory, name: "noprefix.json")
        let cases: [(BucketSettingsInput, String)] = [
            (BucketSettingsInput(lifecycleFile: notJSON), "--lifecycle \(notJSON): Invalid JSON at byte 1"),
            (BucketSettingsInput(lifecycleFile: noPrefix), "rule 1 needs fileNamePrefix"),
            (BucketSettingsInput(lifecycleFile: directory + "/missing.json"), "cannot read the file"),
            (BucketSettingsInput(defaultSSE: "c"), "--default-sse takes b2 or none"),
            (BucketSettingsInput(corsFile: noPrefix.replacingOccurrences(of: "noprefix", with: "bad")), "Invalid JSON"),
            (BucketSettingsInput(replicationFile: noPrefix), "replicationConfiguration, a JSON object"),
        ]
        for (input, message) in cases {
            #expect { try input.settings() } throws: { error in
                guard let error = error as? B2Error else { return false }
                return error.code == .usage && error.message.contains(message)
            }
        }
        // The emulator's own refusal of a bad rule reaches the user with B2's reason, and no bucket is made.
        let inputs = localProfileInputs(in: directory)
        let overlapping = try Self.write(
            #"[{"fileNamePrefix": "a/", "daysFromHidingToDeleting": 1}, {"fileNamePrefix": "a/b/", "daysFromHidingToDeleting": 1}]"#,
            in: directory, name: "overlap.json")
        let bucket = try B2Path.parse("b2://refused-bucket", requireScheme: true)
        let captured = Captured()
        await #expect {
            try await BucketOperations.make(
                captured.context(configuration: inputs), path: bucket, isPublic: false,
                settings: try BucketSettingsInput(lifecycleFile: overlapping).settings())
        } throws: { error in
            (error as? B2Error)?.message.contains("apply to the same files") == true
        }
        let listed = Captured()
        try await ListOperation.run(
            listed.context(configuration: inputs), path: nil, recursive: false, versions: false, long: false)
        #expect(listed.out.withLock { $0 }.isEmpty)
        await #expect {
            try await BucketOperations.update(
                captured.context(configuration: inputs), path: bucket, type: nil, settings: B2BucketSettings())
        } throws: { error in
            (error as? B2Error)?.code == .usage
        }
    }
}
