import B2Emulator
import B2SigV4
import Crypto
import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Synchronization
import Testing

@testable import B2Kit

@Suite("Large downloads: their own connection, large reads, the consumer's pace")
struct LargeDownloadTests {
    /// Counts the reads that reach the socket, below the handler under test.
    final class ReadCounter: ChannelOutboundHandler, Sendable {
        typealias OutboundIn = Never
        let reads = Atomic<Int>(0)

        func read(context: ChannelHandlerContext) {
            reads.add(1, ordering: .relaxed)
            context.read()
        }
    }

    /// A testing channel whose last handler is a `BodyStreamHandler`, with its response head and body.
    struct Rig {
        let channel: NIOAsyncTestingChannel
        let counter: ReadCounter
        let head: EventLoopFuture<HTTPResponseHead>
        let body: ResponseBodyStream

        init(lowWatermark: Int = 2, highWatermark: Int = 4) async throws {
            let channel = NIOAsyncTestingChannel()
            let counter = ReadCounter()
            let (head, body) = try await channel.eventLoop.submit {
                let promise = channel.eventLoop.makePromise(of: HTTPResponseHead.self)
                let handler = BodyStreamHandler(head: promise)
                let stream = ResponseBodyStream.makeSequence(
                    backPressureStrategy: .init(lowWatermark: lowWatermark, highWatermark: highWatermark),
                    finishOnDeinit: false,
                    delegate: BodyStreamDemand(handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
                )
                handler.attach(stream.source)
                try channel.pipeline.syncOperations.addHandler(counter)
                try channel.pipeline.syncOperations.addHandler(handler)
                return (promise.futureResult, stream.sequence)
            }.get()
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80))
            (self.channel, self.counter, self.head, self.body) = (channel, counter, head, body)
        }

        func send(_ part: HTTPClientResponsePart) async throws {
            try await channel.writeInbound(part)
        }

        /// Asks the channel to read, as its event loop does after each read when auto-read is on.
        func read() async throws {
            try await channel.eventLoop.submit { channel.read() }.get()
        }

        var reads: Int { counter.reads.load(ordering: .relaxed) }
    }

    static func part(_ value: UInt8) -> HTTPClientResponsePart {
        .body(ByteBuffer(repeating: value, count: 1000))
    }

    @Test("The head completes first, then the body's parts arrive in order and the sequence ends with the response")
    func bodyInOrder() async throws {
        let rig = try await Rig(highWatermark: 16)
        try await rig.send(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: ["Content-Length": "3000"])))
        let head = try await rig.head.get()
        #expect(head.status == .ok && head.headers.first(name: "Content-Length") == "3000")
        for value: UInt8 in 1...3 { try await rig.send(Self.part(value)) }
        try await rig.send(.end(nil))
        var received: [UInt8] = []
        for try await chunk in rig.body { received += chunk.readableBytesView }
        #expect(
            received == [UInt8](repeating: 1, count: 1000) + .init(repeating: 2, count: 1000)
                + .init(repeating: 3, count: 1000))
        // The connection carries one response: it closes at the end.
        try await rig.channel.closeFuture.get()
    }

    @Test("Reads stop while the consumer is behind and resume once it has caught up")
    func backPressure() async throws {
        let rig = try await Rig(lowWatermark: 2, highWatermark: 4)
        try await rig.send(.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try await rig.read()
        #expect(rig.reads == 1)
        for value: UInt8 in 1...4 { try await rig.send(Self.part(value)) }
        // Four parts wait unread: the next read is held back.
        try await rig.read()
        try await rig.read()
        #expect(rig.reads == 1)
        let iterator = rig.body.makeAsyncIterator()
        var seen: [UInt8] = []
        for _ in 0..<3 { seen.append(try #require(try await iterator.next()).readableBytesView.first!) }
        #expect(seen == [1, 2, 3])
        // Below the low mark the held read goes out, once, on the channel's loop.
        await rig.channel.testingEventLoop.run()
        #expect(rig.reads == 2)
        try await rig.read()
        #expect(rig.reads == 3)
        try await rig.send(.end(nil))
        #expect(try await iterator.next()?.readableBytesView.first == 4)
        #expect(try await iterator.next() == nil)
    }

    @Test("A connection that closes before the head fails the request; one that closes mid-body fails the body")
    func closedEarly() async throws {
        let beforeHead = try await Rig()
        try await beforeHead.channel.close()
        await #expect(throws: LargeDownloadError.self) { try await beforeHead.head.get() }

        let midBody = try await Rig()
        try await midBody.send(.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try await midBody.send(Self.part(9))
        try await midBody.channel.close()
        let iterator = midBody.body.makeAsyncIterator()
        #expect(try await iterator.next()?.readableBytes == 1000)
        await #expect(throws: LargeDownloadError.self) { _ = try await iterator.next() }
    }

    @Test("Silence counts as a stalled connection only while the consumer waits for bytes")
    func stalls() async throws {
        let rig = try await Rig(lowWatermark: 1, highWatermark: 2)
        try await rig.send(.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        for value: UInt8 in 1...2 { try await rig.send(Self.part(value)) }
        // The consumer is behind: the idle connection is its doing, and stays open.
        rig.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        let iterator = rig.body.makeAsyncIterator()
        #expect(try await iterator.next()?.readableBytesView.first == 1)
        #expect(try await iterator.next()?.readableBytesView.first == 2)
        await rig.channel.testingEventLoop.run()
        #expect(rig.channel.isActive)
        // Now it waits for bytes that do not come.
        rig.channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        await #expect(throws: LargeDownloadError.self) { _ = try await iterator.next() }
        try await rig.channel.closeFuture.get()
    }

    @Test("A consumer that stops iterating closes the connection")
    func consumerStops() async throws {
        let rig = try await Rig()
        try await rig.send(.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try await rig.send(Self.part(1))
        do {
            let iterator = rig.body.makeAsyncIterator()
            _ = try await iterator.next()
        }
        await rig.channel.testingEventLoop.run()
        try await rig.channel.closeFuture.get()
    }

    @Test("Request URLs: scheme, host, port, path and query as sent; other schemes are refused")
    func targets() throws {
        let plain = try LargeDownload.Target("http://127.0.0.1:8080/file/b/a%20b.txt?x=1")
        #expect(!plain.secure && plain.host == "127.0.0.1" && plain.port == 8080)
        #expect(plain.path == "/file/b/a%20b.txt?x=1" && plain.hostHeader == "127.0.0.1:8080")
        #expect(plain.serverName == nil)
        let secure = try LargeDownload.Target("https://f004.backblazeb2.com/file/b/k")
        #expect(secure.secure && secure.port == 443 && secure.hostHeader == "f004.backblazeb2.com")
        #expect(secure.serverName == "f004.backblazeb2.com")
        let six = try LargeDownload.Target("http://[::1]:9000/")
        #expect(six.host == "::1" && six.hostHeader == "[::1]:9000" && six.serverName == nil)
        #expect(throws: LargeDownloadError.self) { try LargeDownload.Target("ftp://example.com/x") }
        #expect(throws: LargeDownloadError.self) { try LargeDownload.Target("not a url") }
    }

    @Test("A download of the large size, whole or in pieces, reads on its own connection, intact under 10% faults")
    func largeUnderFaults() async throws {
        let plan = try FaultPlan(
            parsing: "seed=5;retry-after=0;500:0.03;503:0.03;expired:0.02;drop:0.02;truncate:0.05@download"
        )
        let partSize = B2Client.largeDownloadSize
        try await LiveEmulator.run(configure: {
            $0.faults = plan
            $0.recommendedPartSize = partSize
        }) { port in
            let counting = CountingTransport()
            let client = LiveEmulator.client(port: port, transport: counting)
            let bucket = try await client.createBucket(named: "large-bucket")
            // Two pieces of the large size and a small one.
            let size = Int(2 * partSize) + 1_234_567
            let data = LiveEmulator.bytes(size, seed: 21)
            let path = try LiveEmulator.temporaryFile(data)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await client.upload(.file(path), to: bucket, as: "big.bin", partSize: 8_000_000)
            for round in 0..<2 {
                var hasher = Insecure.SHA1()
                var count = 0
                let result = try await client.download(
                    bucketName: "large-bucket", name: "big.bin", expectedSize: Int64(size)
                ) { chunk in
                    chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                    count += chunk.readableBytes
                }
                #expect(count == size, "round \(round)")
                #expect(Hex.string(hasher.finalize()) == B2ClientTests.sha1(data))
                #expect(result.length == Int64(size))
            }
            #expect(counting.count("large") >= 2)
            let target = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-large-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: target) }
            // To a file, on one stream and cut into pieces (the first stream, of the large size, reads on its own).
            for rate in [0, Double.infinity] {
                let streamed = counting.count("large")
                try? FileManager.default.removeItem(atPath: target)
                try await client.download(
                    bucketName: "large-bucket", name: "big.bin", to: target, singleStreamRate: rate)
                #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(data), "rate \(rate)")
                #expect(counting.count("large") >= streamed + 1)
            }
            // A small file, or one of unknown size, stays on the shared connections.
            let before = counting.count("large")
            try await client.upload(.bytes(ByteBuffer(bytes: data[0..<5000])), to: bucket, as: "small.bin")
            var small: [UInt8] = []
            try await client.download(bucketName: "large-bucket", name: "small.bin", expectedSize: 5000) {
                small += $0.readableBytesView
            }
            #expect(small == Array(data[0..<5000]))
            #expect(counting.count("large") == before)
        }
    }
}
