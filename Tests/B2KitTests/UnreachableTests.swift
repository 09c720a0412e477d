import Foundation
import NIOCore
import Testing

@testable import B2Kit

/// One client's native and S3 calls against an emulator that went away, and its S3 calls through the one retry loop.
@Suite("Unreachable hosts and the one retry loop, against the emulator")
struct UnreachableTests {
    /// Short waits and a short window, so an outage is declared within a second.
    static let quickPolicy = RetryPolicy(
        maximumAttempts: 1000, baseDelay: .milliseconds(5), maximumDelay: .milliseconds(20),
        unreachableWindow: .milliseconds(300))

    @Test("With nothing answering for the window, native and S3 calls of one client stop with .unreachable")
    func breakerSharedWithS3() async throws {
        let counting = CountingTransport()
        let (client, s3) = try await LiveEmulator.run { port in
            var client = B2Client(
                keyId: LiveEmulator.keyId, applicationKey: LiveEmulator.key, apiBaseURL: "http://127.0.0.1:\(port)",
                transport: counting, retryPolicy: Self.quickPolicy)
            // The in-process server leaves its kept-alive connections open but silent, like a host the network
            // dropped: each attempt then ends at its deadline, which alone spans the window.
            client.callTimeout = .seconds(1)
            _ = try await client.createBucket(named: "gone-soon")
            return (client, try await client.s3Client())
        }
        // The emulator has stopped: every connection is refused.
        let native = await #expect(throws: B2Error.self) { _ = try await client.listBuckets() }
        #expect(native?.code == .unreachable, "\(String(describing: native))")
        #expect(native?.message.contains("resumes where this one stopped") == true)
        let before = counting.count("other")
        let viaS3 = await #expect(throws: B2Error.self) { _ = try await s3.listBuckets() }
        #expect(viaS3?.code == .unreachable, "\(String(describing: viaS3))")
        #expect(counting.count("other") == before, "the S3 call shares the open breaker and sends nothing")
    }

    @Test("S3 requests go through the one retry loop: injected 503s and dropped connections are retried")
    func s3RetriedByTheOneLoop() async throws {
        try await LiveEmulator.run(configure: { $0.faults = try? .init(parsing: "seed=3;503:0.3;drop:0.2") }) { port in
            let master = LiveEmulator.client(port: port)
            _ = try await master.createBucket(named: "s3-retried")
            let key = try await master.createKey(named: "s3-retried", capabilities: S3EmulatorTrapTests.all)
            let s3 = try await LiveEmulator.client(port: port, keyId: key.applicationKeyId, key: key.applicationKey)
                .s3Client()
            for index in 0..<20 {
                try await s3.putObject(ByteBuffer(string: "v\(index)"), bucket: "s3-retried", key: "k\(index)")
            }
            var keys: [String] = []
            for try await object in s3.listObjects(bucket: "s3-retried", prefix: "") { keys.append(object.key) }
            #expect(keys.count == 20)
        }
    }
}
