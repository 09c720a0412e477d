import B2Kit
import Foundation
import NIOCore
import Synchronization

/// Where a command writes, and what it knows about its surroundings: injected so commands are testable.
public struct CommandContext: Sendable {
    /// Writes to standard output.
    public var standardOutput: @Sendable (String) -> Void
    /// Writes raw bytes to standard output (for `cat`).
    public var standardOutputBytes: @Sendable (ByteBuffer) throws -> Void
    /// Writes to standard error.
    public var standardError: @Sendable (String) -> Void
    /// True when standard error is a terminal (progress bars are shown only then).
    public var isTerminal: Bool
    /// Machine-readable output.
    public var json: Bool
    /// Print nothing but errors.
    public var quiet: Bool
    /// Where credentials and endpoints come from.
    public var configuration: ConfigurationInputs

    /// Creates a context.
    public init(
        standardOutput: @escaping @Sendable (String) -> Void,
        standardOutputBytes: @escaping @Sendable (ByteBuffer) throws -> Void,
        standardError: @escaping @Sendable (String) -> Void,
        isTerminal: Bool,
        json: Bool,
        quiet: Bool,
        configuration: ConfigurationInputs
    ) {
        self.standardOutput = standardOutput
        self.standardOutputBytes = standardOutputBytes
        self.standardError = standardError
        self.isTerminal = isTerminal
        self.json = json
        self.quiet = quiet
        self.configuration = configuration
    }

    /// Prints a line for people, unless quiet or JSON output was asked for.
    func say(_ line: String) {
        if !quiet, !json { standardOutput(line + "\n") }
    }

    /// Prints a value as JSON on one line: keys sorted, slashes unescaped.
    func printJSON(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return }
        standardOutput(String(decoding: data, as: UTF8.self) + "\n")
    }

    /// Prints a `JSONSerialization` value on one line: keys sorted, slashes unescaped.
    func printJSON(_ value: Any) {
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        standardOutput(String(decoding: data, as: UTF8.self) + "\n")
    }

    /// A progress reporter for a transfer of `total` bytes, or nil when no bar should show.
    func progress(label: String, total: Int64) -> (@Sendable (Int64) -> Void)? {
        guard isTerminal, !quiet, !json, total > 0 else { return nil }
        let bar = ProgressBar(label: label, total: total, write: standardError)
        return { bar.update($0) }
    }
}

/// A one-line progress bar on standard error, redrawn at most ten times a second.
final class ProgressBar: Sendable {
    private let label: String
    private let total: Int64
    private let write: @Sendable (String) -> Void
    private let state = Mutex<(lastDraw: Double, start: Double, done: Bool)>((0, Date().timeIntervalSince1970, false))

    init(label: String, total: Int64, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.total = total
        self.write = write
    }

    func update(_ sent: Int64) {
        let now = Date().timeIntervalSince1970
        let line: String? = state.withLock { state in
            let finished = sent >= total
            guard !state.done, finished || now - state.lastDraw >= 0.1 else { return nil }
            state.lastDraw = now
            state.done = finished
            let percent = Int(Double(sent) * 100 / Double(total))
            let rate = Double(sent) / max(now - state.start, 0.001) / 1_000_000
            let text =
                "\r\(label) \(percent)% \(Self.megabytes(sent))/\(Self.megabytes(total)) MB "
                + String(format: "%.1f MB/s", rate)
            return finished ? text + "\n" : text
        }
        if let line { write(line) }
    }

    private static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1_000_000) }
}
