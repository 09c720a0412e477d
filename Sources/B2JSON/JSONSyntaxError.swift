/// Where and why a text stops being JSON: what `JSONParser` throws.
///
/// Each caller maps it to its own error type (the emulator to B2's `bad_json`, the tables reader to
/// `B2Error.malformedData`), keeping the offset and line in its message.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The byte offset at which parsing stopped.
    public let offset: Int
    /// The 1-based line of `offset`.
    public let line: Int
    /// What was wrong there, such as `expected ':'`.
    public let reason: String

    /// Creates an error.
    /// - Parameters:
    ///   - offset: The byte offset at which parsing stopped.
    ///   - line: The 1-based line of `offset`.
    ///   - reason: What was wrong there.
    public init(offset: Int, line: Int, reason: String) {
        self.offset = offset
        self.line = line
        self.reason = reason
    }

    /// `Invalid JSON at byte 7 (line 2): expected ':'`.
    public var description: String { "Invalid JSON at byte \(offset) (line \(line)): \(reason)" }
}
