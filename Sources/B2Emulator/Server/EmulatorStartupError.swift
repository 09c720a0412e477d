/// The emulator could not start, with what to do about it.
public struct EmulatorStartupError: Error, CustomStringConvertible {
    /// What went wrong and how to fix it.
    public let description: String

    init(_ description: String) { self.description = description }
}
