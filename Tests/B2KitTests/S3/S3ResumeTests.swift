import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import B2Kit

/// An S3 download whose connection drops mid-body resumes in the one `ResumableRangeReader`, from the byte where it
/// stopped, pinned to the same object, against the emulator's S3 API.
@Suite("S3 downloads resume where the connection dropped")
struct S3ResumeTests {
    /// Passes requests to the emulator, but ends the body of the first object GET after `cut` bytes with a dropped
    /// connection, as a network would; records the Range and If-Match of each object GET.
    final class DroppingTransport: B2Transport {
        let base = AsyncHTTPClientTransport()
        let cut: Int
        let gets = Mutex<[(range: String?, ifMatch: String?)]>([])
        init(cut: Int) { self.cut = cut }

        struct Dropped: Error {}

        func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse {
            let response = try await base.execute(request, deadline: deadline)
            guard request.method == .GET, request.url.contains("/resumed/") else { return response }
            let isFirst = gets.withLock { gets in
                gets.append((request.headers.first(name: "range"), request.headers.first(name: "if-match")))
                return gets.count == 1
            }
            guard isFirst else { return response }
            var body = try await response.body.collect(upTo: 1 << 30)
            let head = body.readSlice(length: cut)!
            let stream = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                continuation.yield(head)
                continuation.finish(throwing: Dropped())
            }
            return HTTPClientResponse(status: response.status, headers: response.headers, body: .stream(stream))
        }
    }

    @Test("getObject: a body cut after 64 KiB is fetched on from byte 65,536 with If-Match, and arrives whole")
    func resumedDownload() async throws {
        let dropping = DroppingTransport(cut: 65_536)
        try await LiveEmulator.run { port in
            let master = LiveEmulator.client(port: port)
            _ = try await master.createBucket(named: "s3-resume")
            let key = try await master.createKey(named: "s3-resume", capabilities: S3EmulatorTrapTests.all)
            let s3 = try await LiveEmulator.client(
                port: port, keyId: key.applicationKeyId, key: key.applicationKey, transport: dropping
            ).s3Client()
            let bytes = LiveEmulator.bytes(200_000, seed: 7)
            try await s3.putObject(ByteBuffer(bytes: bytes), bucket: "s3-resume", key: "resumed/object.bin")
            var received = ByteBuffer()
            let head = try await s3.getObject(bucket: "s3-resume", key: "resumed/object.bin") { chunk in
                var chunk = chunk
                received.writeBuffer(&chunk)
            }
            #expect(Array(received.readableBytesView) == bytes)
            #expect(head.contentLength == 200_000)
            let gets = dropping.gets.withLock { $0 }
            #expect(gets.count == 2)
            #expect(gets.first?.range == nil)
            #expect(gets.last?.range == "bytes=65536-199999")
            #expect(gets.last?.ifMatch == "\"\(head.eTag ?? "")\"")
        }
    }
}
