import Hummingbird
import NIOCore

/// The service's request context: the token a request was authenticated with, and where it came from.
public struct ServiceRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's own storage.
    public var coreContext: CoreRequestContextStorage
    /// The token, once `BearerTokenMiddleware` has accepted it.
    public var token: TokenRecord?
    /// The peer's address (nil in router tests).
    public let remoteAddress: SocketAddress?

    /// Creates the context of a request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        token = nil
        remoteAddress = source.channel.remoteAddress
    }
}
