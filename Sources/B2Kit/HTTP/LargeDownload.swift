import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A GET whose body is large, on a connection of its own that reads the socket in large reads and hands each one
/// on as it arrives, with the consumer's pace holding back the reads.
///
/// async-http-client reads 64 KiB at a time and passes every read through its state machine to the consumer;
/// on a fast link that costs more CPU than the bytes themselves. This path is for bodies of megabytes and more:
/// it pays a connection per request, so small requests stay on the shared client.
enum LargeDownload {
    /// The size of each read from the socket.
    static let readSize = 1 << 20
    /// How many reads one readiness of the socket may take, and how many receive buffers the channel keeps for
    /// reuse once their bytes are consumed: fresh memory costs more than the copy into it.
    static let pooledReads = 16
    /// How long the connection may go without a byte while the consumer wants more, before it counts as dropped
    /// (and the download resumes on a new one).
    static let stallTimeout = TimeAmount.seconds(120)

    /// Sends `request` (a GET, without a body) and returns its response as soon as the head arrives; the body
    /// streams, and the connection closes at its end, when the consumer stops, or at `deadline`.
    /// - Parameter tlsConfiguration: the TLS settings for an https URL; nil for the system's trust roots.
    static func execute(
        _ request: HTTPClientRequest,
        deadline: NIODeadline,
        group: any EventLoopGroup,
        tlsConfiguration: TLSConfiguration? = nil
    ) async throws -> HTTPClientResponse {
        let target = try Target(request.url)
        var headers = request.headers
        if !headers.contains(name: "Host") { headers.add(name: "Host", value: target.hostHeader) }
        headers.replaceOrAdd(name: "Connection", value: "close")
        let head = HTTPRequestHead(version: .http1_1, method: request.method, uri: target.path, headers: headers)
        let tls =
            if !target.secure { nil as NIOSSLContext? } else if let tlsConfiguration {
                try NIOSSLContext(configuration: tlsConfiguration)
            } else { try TLS.context.get() }
        let (channel, responseHead, body) = try await ClientBootstrap(group: group)
            .connectTimeout(AsyncHTTPClientTransport.connectTimeout)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: readSize))
            .channelOption(.maxMessagesPerRead, value: UInt(pooledReads))
            .connect(host: target.host, port: target.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: target.serverName))
                    }
                    try pipeline.addHandler(IdleStateHandler(readTimeout: stallTimeout))
                    try pipeline.addHTTPClientHandlers()
                    let responseHead = channel.eventLoop.makePromise(of: HTTPResponseHead.self)
                    let handler = BodyStreamHandler(head: responseHead)
                    let stream = ResponseBodyStream.makeSequence(
                        backPressureStrategy: .init(lowWatermark: 2, highWatermark: 4),
                        finishOnDeinit: false,
                        delegate: BodyStreamDemand(handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
                    )
                    handler.attach(stream.source)
                    try pipeline.addHandler(handler)
                    return (channel, responseHead.futureResult, stream.sequence)
                }
            }
        let timeout = channel.eventLoop.scheduleTask(deadline: deadline) { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in timeout.cancel() }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let answer = try await withTaskCancellationHandler {
            try await responseHead.get()
        } onCancel: {
            channel.close(promise: nil)
        }
        return HTTPClientResponse(
            version: answer.version, status: answer.status, headers: answer.headers, body: .stream(body)
        )
    }

    /// Where a request URL points.
    struct Target {
        var secure: Bool
        var host: String
        var port: Int
        /// The path and query, percent-encoded as given.
        var path: String
        var hostHeader: String

        init(_ url: String) throws {
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let given = components.host, !given.isEmpty
            else { throw LargeDownloadError.unsupportedURL(url) }
            secure = scheme == "https"
            // An IPv6 address comes bracketed, as in the URL; the socket takes it bare.
            let host = given.hasPrefix("[") && given.hasSuffix("]") ? String(given.dropFirst().dropLast()) : given
            self.host = host
            port = components.port ?? (secure ? 443 : 80)
            path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            if let query = components.percentEncodedQuery { path += "?" + query }
            let bracketed = host.contains(":") ? "[\(host)]" : host
            hostHeader = components.port == nil ? bracketed : "\(bracketed):\(port)"
        }

        /// The name to send in TLS's server name indication: none for an address.
        var serverName: String? {
            host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
        }
    }

    /// The default TLS settings of https connections (the system's trust roots), made once.
    enum TLS {
        static let context = Result { try NIOSSLContext(configuration: .makeClientConfiguration()) }
    }
}

/// Why a large download's connection failed.
enum LargeDownloadError: Error, CustomStringConvertible {
    /// The connection closed before the response ended.
    case closedEarly
    /// No byte came for `LargeDownload.stallTimeout` while the consumer waited.
    case stalled
    /// The URL is not http or https.
    case unsupportedURL(String)

    var description: String {
        switch self {
        case .closedEarly: "the connection closed before the response ended"
        case .stalled: "no data came for \(LargeDownload.stallTimeout.nanoseconds / 1_000_000_000) seconds"
        case .unsupportedURL(let url): "\(url) is not an http or https URL"
        }
    }
}
