/// An underlying error kept by its description, so a `B2Error` stays `Sendable` whatever caused it.
public struct DescribedError: Error, Sendable, CustomStringConvertible {
    /// The underlying error's description.
    public let description: String

    /// Keeps `error`'s description.
    public init(_ error: any Error) {
        description = String(describing: error)
    }
}
