import Foundation
import HTTPTypes
import Testing

@testable import B2Emulator

@Suite("b2kit serve over HTTPS")
struct TLSTests {
    /// A self-signed certificate for localhost and its key, made by openssl in a fresh folder.
    static func certificate() throws -> EmulatorTLS {
        let folder = EmulatorHarness.makeDataDirectory()
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a test certificate")
        return EmulatorTLS(certificatePath: folder + "/cert.pem", privateKeyPath: folder + "/key.pem")
    }

    @Test("With a certificate the emulator answers HTTPS, and the URLs it hands out are https://")
    func https() async throws {
        let tls = try Self.certificate()
        try await EmulatorHarness.run(framework: .ahc(.https), configure: { $0.tls = tls }) { base in
            var client = base
            let account = try await client.authorize()
            #expect(account.status == .ok)
            let apiUrl = try #require(account.json["apiInfo"]?["storageApi"]?["apiUrl"]?.stringValue)
            #expect(apiUrl.hasPrefix("https://"), "\(apiUrl)")
            #expect(account.json["apiInfo"]?["storageApi"]?["downloadUrl"]?.stringValue?.hasPrefix("https://") == true)
            let bucketId = try await client.createBucket("tls-bucket")
            let target = try await client.ok("b2_get_upload_url", ["bucketId": .string(bucketId)])
            #expect(target["uploadUrl"]?.stringValue?.hasPrefix("https://") == true)
            let data = B2TestClient.bytes(2000, seed: 41)
            #expect(try await client.upload(bucketId: bucketId, name: "over-tls", data: data).status == .ok)
            #expect(try await client.download(bucket: "tls-bucket", name: "over-tls").bytes == data)
        }
    }

    @Test("A missing or non-PEM certificate stops the start with what to fix")
    func badFiles() async throws {
        let good = try Self.certificate()
        let folder = EmulatorHarness.makeDataDirectory()
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: folder + "/junk.pem"))
        let cases: [(EmulatorTLS, String)] = [
            (EmulatorTLS(certificatePath: folder + "/none.pem", privateKeyPath: good.privateKeyPath), "--tls-cert"),
            (EmulatorTLS(certificatePath: folder + "/junk.pem", privateKeyPath: good.privateKeyPath), "openssl req"),
            (EmulatorTLS(certificatePath: good.certificatePath, privateKeyPath: folder + "/junk.pem"), "--tls-key"),
        ]
        for (tls, hint) in cases {
            let configuration = EmulatorConfiguration(
                dataDirectory: EmulatorHarness.makeDataDirectory(), port: 0, masterKeyId: EmulatorHarness.keyId,
                masterKey: EmulatorHarness.key, tls: tls)
            let error = await #expect(throws: EmulatorStartupError.self) {
                _ = try await EmulatorServer(configuration: configuration)
            }
            #expect(error?.description.contains(hint) == true, "\(error?.description ?? "")")
        }
    }
}
