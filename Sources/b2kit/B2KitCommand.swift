import ArgumentParser
import Foundation

/// The `b2kit` command: parses arguments and hands work to the libraries.
@main
struct B2KitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "b2kit",
        abstract: "The Backblaze B2 toolkit: a local B2-compatible server, and (soon) a fast client.",
        subcommands: [ServeCommand.self]
    )

    /// Runs the command with b2kit's exit codes: 0 success, 1 runtime failure, 2 usage error.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty {
                FileHandle.standardError.write(Data(("b2kit: " + message + "\n").utf8))
            }
            if code == .validationFailure {
                Foundation.exit(2)
            }
            Foundation.exit(code.rawValue == 0 ? 0 : 1)
        }
    }
}
