import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import Testing

@testable import B2Kit

/// B2 serves downloads over https: a large download's own connection speaks TLS, verifies the server, and sends
/// the request as given.
@Suite("Large downloads over TLS")
struct LargeDownloadTLSTests {
    /// A self-signed certificate for `localhost` and 127.0.0.1, valid until 2126, made for these tests only.
    static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBmzCCAUGgAwIBAgIULd5KB6kF3UFnqr6IF6dcSGXCwSQwCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjIzMDkyNVoYDzIxMjYxMDI5
        MjMwOTI1WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAAT3cJVqeQt8RZLSQiMs93/suc9Lgb5/ORakXR0xph0VFqVJveFARmlF
        cLgSIR8GZmLEJTFHStSsMZEI/Rk4cTiVo28wbTAdBgNVHQ4EFgQUOMf5wUkahn6R
        MQ5SWDw+Ua3wVY4wHwYDVR0jBBgwFoAUOMf5wUkahn6RMQ5SWDw+Ua3wVY4wDwYD
        VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
        zj0EAwIDSAAwRQIgDo8DnHRV5tLcyS2KDVl8k8p7BqJpqc2t2OU+6lokVAQCIQDX
        Ri/IH/nb0WdIKj4sACQ/9MPw/9hxuSeA2zK0JZPJ8g==
        -----END CERTIFICATE-----
        """
    static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkN2IlE1guEHHFu15
        JVNfSjLDfLEQy60M8ISL6SHz7yqhRANCAAT3cJVqeQt8RZLSQiMs93/suc9Lgb5/
        ORakXR0xph0VFqVJveFARmlFcLgSIR8GZmLEJTFHStSsMZEI/Rk4cTiV
        -----END PRIVATE KEY-----
        """

    /// The request heads a server received.
    final class ReceivedHeads: Sendable {
        let heads = Mutex<[HTTPRequestHead]>([])

        var first: HTTPRequestHead? { heads.withLock { $0.first } }
        var isEmpty: Bool { heads.withLock { $0.isEmpty } }
    }

    /// Answers every request with `body`, remembering each request's head.
    final class FixedBodyResponder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let body: ByteBuffer
        let received: ReceivedHeads

        init(body: ByteBuffer, received: ReceivedHeads) {
            self.body = body
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                received.heads.withLock { $0.append(head) }
            case .body:
                break
            case .end:
                var head = HTTPResponseHead(version: .http1_1, status: .ok)
                head.headers.add(name: "Content-Length", value: String(body.readableBytes))
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }

    /// Runs an https server on 127.0.0.1 answering with `body`; gives `test` its port and the heads received.
    static func withServer(
        body: ByteBuffer,
        _ test: (Int, ReceivedHeads) async throws -> Void
    ) async throws {
        let certificate = try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        let context = try NIOSSLContext(
            configuration: .makeServerConfiguration(
                certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        )
        let heads = ReceivedHeads()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FixedBodyResponder(body: body, received: heads))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await test(server.localAddress!.port!, heads)
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }

    static func trusting() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([
            try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
        ])
        return configuration
    }

    @Test("The body arrives intact over https, and the request carries its path, query, Host and headers")
    func intact() async throws {
        let bytes = LiveEmulator.bytes(3_000_000, seed: 4)
        try await Self.withServer(body: ByteBuffer(bytes: bytes)) { port, heads in
            let transport = AsyncHTTPClientTransport(tlsConfiguration: try Self.trusting())
            var request = HTTPClientRequest(url: "https://localhost:\(port)/file/my-bucket/a%20b.bin?x=1")
            request.headers.add(name: "Authorization", value: "token-1")
            let response = try await transport.executeLargeDownload(request, deadline: .now() + .seconds(30))
            #expect(response.status == .ok)
            var received: [UInt8] = []
            for try await chunk in response.body { received += chunk.readableBytesView }
            #expect(received == bytes)
            let head = try #require(heads.first)
            #expect(head.method == .GET && head.uri == "/file/my-bucket/a%20b.bin?x=1")
            #expect(head.headers.first(name: "Host") == "localhost:\(port)")
            #expect(head.headers.first(name: "Authorization") == "token-1")
        }
    }

    @Test("A server the trust roots do not vouch for is refused, with an error and no body")
    func untrusted() async throws {
        try await Self.withServer(body: ByteBuffer(string: "secret")) { port, heads in
            let transport = AsyncHTTPClientTransport()
            let request = HTTPClientRequest(url: "https://localhost:\(port)/file/b/k")
            await #expect(throws: (any Error).self) {
                _ = try await transport.executeLargeDownload(request, deadline: .now() + .seconds(30))
            }
            #expect(heads.isEmpty)
        }
    }
}
