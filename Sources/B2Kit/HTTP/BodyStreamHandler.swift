import NIOCore
import NIOHTTP1

/// The body of one HTTP response, as the sequence a consumer iterates.
typealias ResponseBodyStream = NIOThrowingAsyncSequenceProducer<
    ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, BodyStreamDemand
>

/// The last handler of a `LargeDownload` connection: it completes the response head, hands body parts to the
/// consumer's sequence as they arrive, and stops reading from the socket while the consumer is behind.
///
/// A connection carries one response: it is closed at the end of the body, when the consumer stops iterating,
/// or on an error, which ends the body's sequence (or fails the head when it comes first).
final class BodyStreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private let head: EventLoopPromise<HTTPResponseHead>
    private var source: ResponseBodyStream.Source?
    private var context: ChannelHandlerContext?
    private var headDelivered = false
    private var finished = false
    /// False while the consumer holds as many parts as it should.
    private var producing = true
    /// A read the channel asked for while not producing, issued when the consumer wants more.
    private var readPending = false

    init(head: EventLoopPromise<HTTPResponseHead>) {
        self.head = head
    }

    /// Connects the handler to the sequence it feeds.
    func attach(_ source: ResponseBodyStream.Source) {
        self.source = source
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        finish(LargeDownloadError.closedEarly)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        switch unwrapInboundIn(data) {
        case .head(let response):
            // An interim answer (100 Continue) is followed by the real one.
            guard response.status.code >= 200 else { return }
            headDelivered = true
            head.succeed(response)
        case .body(let part):
            switch source?.yield(part) {
            case .stopProducing: producing = false
            case .dropped: context.close(promise: nil)
            default: break
            }
        case .end:
            finished = true
            source?.finish()
            context.close(promise: nil)
        }
    }

    func read(context: ChannelHandlerContext) {
        if producing { context.read() } else { readPending = true }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(error)
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Silence while the consumer is behind is the consumer's doing, not a stalled connection.
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            guard producing else { return }
            finish(LargeDownloadError.stalled)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(LargeDownloadError.closedEarly)
        context.fireChannelInactive()
    }

    /// The consumer wants more parts: read again.
    func produceMore() {
        producing = true
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    /// The consumer stopped iterating: nothing more is read.
    func consumerStopped() {
        context?.close(promise: nil)
    }

    private func finish(_ error: any Error) {
        guard !finished else { return }
        finished = true
        if headDelivered { source?.finish(error) } else { head.fail(error) }
    }
}

/// Tells a `BodyStreamHandler`, on its event loop, what the consumer of its sequence wants.
struct BodyStreamDemand: NIOAsyncSequenceProducerDelegate {
    let handler: NIOLoopBound<BodyStreamHandler>

    func produceMore() {
        let handler = self.handler
        handler.eventLoop.execute { handler.value.produceMore() }
    }

    func didTerminate() {
        let handler = self.handler
        handler.eventLoop.execute { handler.value.consumerStopped() }
    }
}
