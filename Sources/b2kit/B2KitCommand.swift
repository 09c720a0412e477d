import ArgumentParser
import B2Kit
import Foundation
import NIOCore
import NIOPosix

/// The `b2kit` command: parses arguments and hands work to the libraries.
@main
struct B2KitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "b2kit",
        abstract: "The Backblaze B2 toolkit: a fast client for B2 and a local B2-compatible server.",
        subcommands: [
            ServeCommand.self, AccountCommand.self, ListCommand.self, MakeBucketCommand.self, BucketCommand.self,
            RemoveBucketCommand.self,
            CopyCommand.self, CatCommand.self, RemoveCommand.self, URLCommand.self, SyncCommand.self,
            CatalogCommand.self, DemoCommand.self, TableCommand.self, ServiceCommand.self,
            ServiceRemoteCommand.self,
        ]
    )

    /// Runs the command with b2kit's exit codes: 0 success, 1 runtime failure, 2 usage error, 3 partial sync.
    static func main() async {
        // A closed pipe (`b2kit ls | head`) shows up as EPIPE from write, and the command ends quietly with 0.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot(globalOptionsAfterSubcommand(Array(CommandLine.arguments.dropFirst())))
            if command is ServeCommand {
                // The emulator runs Swift concurrency on NIO's event loops: a request then stays on one thread from
                // socket to handler and back, instead of hopping between pools (measured: several times the
                // small-request rate). Its handlers therefore never block for long: file I/O goes to NIO's thread
                // pool. Clients keep Swift's pool: there the tasks of one transfer (receiving, hashing, writing)
                // all landed on one event loop, which capped a download at one core.
                _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as B2Error {
            FileHandle.standardError.write(Data("b2kit: \(error)\n".utf8))
            Foundation.exit(error.isUsageError ? 2 : 1)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            if code == .validationFailure {
                // One line that says what to fix, and where to read more: not the whole usage text.
                let message = message(for: error).replacingOccurrences(of: "Error: ", with: "")
                let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
                FileHandle.standardError.write(Data("b2kit: \(firstLine) (see 'b2kit --help')\n".utf8))
                Foundation.exit(2)
            }
            FileHandle.standardError.write(Data("b2kit: \(message(for: error))\n".utf8))
            Foundation.exit(code.rawValue == 0 ? 0 : 1)
        }
    }
}

/// Lets global options come before the subcommand too (`b2kit -v ls b2://bucket`): options given before the first
/// subcommand name are moved after it (after the nested one for `table show`), where the subcommand's option group
/// parses them.
func globalOptionsAfterSubcommand(_ arguments: [String]) -> [String] {
    let commands = B2KitCommand.configuration.subcommands
    let names = Set(commands.map { $0.configuration.commandName ?? "" })
    guard let index = arguments.firstIndex(where: { names.contains($0) }), index > 0,
        arguments[0].hasPrefix("-")
    else { return arguments }
    var end = index + 1
    let command = commands.first { $0.configuration.commandName == arguments[index] }
    let nested = Set((command?.configuration.subcommands ?? []).map { $0.configuration.commandName ?? "" })
    if end < arguments.count, nested.contains(arguments[end]) { end += 1 }
    return Array(arguments[index..<end]) + arguments[..<index] + arguments[end...]
}
