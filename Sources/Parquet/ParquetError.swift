/// Why a Parquet file could not be read or written: the one error type of the `Parquet` target, which depends on
/// nothing of B2 (B2Tables turns it into a `B2Error`).
public struct ParquetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable, Equatable {
        /// The bytes do not follow the format (truncated, a bad magic number, a length past the end).
        case corrupt
        /// A valid file using something this reader does not handle (nested columns, encryption, a codec).
        case unsupported
        /// The file could not be opened or mapped (missing, unreadable, not a regular file).
        case unreadable
    }

    /// The kind.
    public let kind: Kind
    /// What is wrong and, where it helps, what to do.
    public let message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }

    static func corrupt(_ message: String) -> ParquetError { ParquetError(.corrupt, message) }
    static func unsupported(_ message: String) -> ParquetError { ParquetError(.unsupported, message) }
}
