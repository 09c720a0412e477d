import AsyncHTTPClient
import B2Emulator
import Foundation
import HummingbirdTesting
import NIOCore
import Synchronization

@testable import B2Kit

/// Runs the emulator in-process on port 0 and hands tests a `B2Client` pointed at it.
enum LiveEmulator {
    static let keyId = "kittestkey"
    static let key = "kittestsecret"

    static func run<Value: Sendable>(
        configure: (inout EmulatorConfiguration) -> Void = { _ in },
        _ body: @Sendable (_ port: Int) async throws -> Value
    ) async throws -> Value {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-kit-\(UUID())").path
        var configuration = EmulatorConfiguration(
            dataDirectory: directory, port: 0, masterKeyId: keyId, masterKey: key,
            recommendedPartSize: 1_000_000, absoluteMinimumPartSize: 100_000
        )
        configure(&configuration)
        let server = try await EmulatorServer(configuration: configuration)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await server.application().test(.live) { client in
            try await body(client.port!)
        }
    }

    /// A client with instant retries, optionally through a counting transport.
    static func client(
        port: Int,
        keyId: String = keyId,
        key: String = key,
        transport: any B2Transport = AsyncHTTPClientTransport()
    ) -> B2Client {
        B2Client(
            keyId: keyId, applicationKey: key, apiBaseURL: "http://127.0.0.1:\(port)", transport: transport,
            retryPolicy: RetryPolicy(maximumAttempts: 8, jitter: { 0 }, sleep: { _ in })
        )
    }

    static func bytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-src-\(UUID())").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Counts requests by path, passing them on.
final class CountingTransport: B2Transport {
    let base = AsyncHTTPClientTransport()
    let counts = Mutex<[String: Int]>([:])

    func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse {
        let call = request.url.split(separator: "/").last.map(String.init) ?? ""
        let key = call.hasPrefix("b2_") ? call : (request.url.contains("/b2_upload_part/") ? "upload_part" : "other")
        let ranged = request.headers.first(name: "Range") != nil
        counts.withLock {
            $0[key, default: 0] += 1
            if ranged { $0["ranged", default: 0] += 1 }
        }
        return try await base.execute(request, deadline: deadline)
    }

    func executeLargeDownload(_ request: HTTPClientRequest, deadline: NIODeadline) async throws
        -> HTTPClientResponse
    {
        counts.withLock { $0["large", default: 0] += 1 }
        return try await base.executeLargeDownload(request, deadline: deadline)
    }

    func count(_ key: String) -> Int { counts.withLock { $0[key] ?? 0 } }
}
