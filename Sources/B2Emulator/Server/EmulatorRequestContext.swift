import Hummingbird
import NIOCore

/// The request context of the emulator: Hummingbird's core storage plus the connection, so the fault injector
/// can drop it.
public struct EmulatorRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came in on.
    let channel: (any Channel)?
    /// Faults the injector asked the download handlers to produce.
    var downloadFaults = DownloadFaults()

    /// Creates the context for a request arriving on a connection.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// JSON bodies larger than this are refused; uploads stream and are not bound by it.
    public var maxUploadSize: Int { 16 * 1024 * 1024 }
}
