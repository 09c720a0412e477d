import ArgumentParser
import B2Kit
import B2KitCLI
import Foundation
import Logging
import NIOCore

/// Options every client command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Profile of io_config.yaml to use, or 'local' for the embedded emulator.")
    var profile: String?

    @Option(name: .long, help: "The io_config.yaml file (default: B2KIT_CONFIG, or ./io_config.yaml).")
    var config: String?

    @Option(name: .long, help: "A JSON file with key_id and application_key (default: B2KIT_CREDENTIALS).")
    var credentials: String?

    @Option(name: .customLong("key-id"), help: "Application key id (overrides every other source).")
    var keyId: String?

    @Option(name: .customLong("key"), help: "Application key (prefer B2_APPLICATION_KEY: flags show in ps).")
    var key: String?

    @Option(name: .customLong("endpoint-url"), help: "S3 endpoint to use instead of the discovered one.")
    var endpointURL: String?

    @Flag(name: .long, help: "Machine-readable output.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Log requests and retries to standard error.")
    var verbose = false

    /// The context commands run in: real standard streams and the process environment.
    func makeContext() -> CommandContext {
        let verbose = self.verbose
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .warning
            return handler
        }
        return CommandContext(
            standardOutput: writeTextToStandardOutput,
            standardOutputBytes: writeToStandardOutput,
            standardError: { FileHandle.standardError.write(Data($0.utf8)) },
            isTerminal: isatty(STDERR_FILENO) == 1,
            json: json,
            quiet: quiet,
            configuration: ConfigurationInputs(
                keyId: keyId,
                applicationKey: key,
                endpointURL: endpointURL,
                profile: profile,
                configPath: config,
                credentialsPath: credentials,
                environment: ProcessInfo.processInfo.environment,
                currentDirectory: FileManager.default.currentDirectoryPath
            )
        )
    }
}

/// Parses a remote path argument, turning B2Kit's usage errors into argument errors (exit 2).
func remotePath(_ text: String) throws -> B2Path {
    do {
        return try B2Path.parse(text, requireScheme: true)
    } catch let error as B2Error {
        throw ValidationError(error.message)
    }
}

/// Parses a cp argument: a remote path, a local path or '-'.
func location(_ text: String) throws -> Location {
    do {
        return try Location.parse(text)
    } catch let error as B2Error {
        throw ValidationError(error.message)
    }
}

/// Writes bytes to standard output without copying them, throwing `OutputClosed` when the reader has gone.
@Sendable
func writeToStandardOutput(_ buffer: ByteBuffer) throws {
    try buffer.withUnsafeReadableBytes { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw OutputClosed() }
                throw B2Error(.localFile, "Cannot write to standard output (errno \(errno))")
            }
            offset += written
        }
    }
}

/// Writes text to standard output; when the reader has gone (`b2kit ls | head`), exits quietly, as `ls` does.
@Sendable
func writeTextToStandardOutput(_ text: String) {
    do {
        try writeToStandardOutput(ByteBuffer(string: text))
    } catch is OutputClosed {
        Foundation.exit(0)
    } catch {
        FileHandle.standardError.write(Data("b2kit: \(error)\n".utf8))
        Foundation.exit(1)
    }
}
