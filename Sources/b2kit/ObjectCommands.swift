import ArgumentParser
import B2Kit
import B2KitCLI

/// `b2kit cp`.
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cp",
        abstract:
            "Copy one object: local -> b2:// (large files in parallel parts), b2:// -> local or -, b2:// -> b2://; the same with s3:// (S3 API)."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "Source: a local file, b2://BUCKET/NAME or s3://BUCKET/NAME.")
    var source: String

    @Argument(help: "Destination: b2:// or s3://BUCKET/NAME (or .../ to keep the name), a local file, or - for stdout.")
    var destination: String

    @Option(name: .customLong("part-size"), help: "Upload files larger than this as parallel parts of this size.")
    var partSize: Int64?

    func validate() throws {
        _ = try location(source)
        _ = try location(destination)
        if let partSize, partSize < 5_000_000 {
            throw ValidationError("--part-size must be at least 5000000 bytes (B2's smallest part)")
        }
    }

    func run() async throws {
        try await TransferOperations.copy(
            options.makeContext(), from: try location(source), to: try location(destination), partSize: partSize
        )
    }
}

/// `b2kit cat`.
struct CatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cat", abstract: "Write an object to standard output.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "b2://BUCKET/NAME or s3://BUCKET/NAME")
    var path: String

    func validate() throws { _ = try remotePath(path) }

    func run() async throws {
        try await TransferOperations.cat(options.makeContext(), path: try remotePath(path))
    }
}

/// `b2kit rm`.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Delete a file's latest version (all with --versions; a prefix with --recursive)."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "b2:// or s3://BUCKET/NAME, or BUCKET/PREFIX with --recursive.")
    var path: String

    @Flag(name: .long, help: "Delete every version, not just the latest.")
    var versions = false

    @Flag(name: .shortAndLong, help: "Delete everything under the prefix.")
    var recursive = false

    func validate() throws { _ = try remotePath(path) }

    func run() async throws {
        try await TransferOperations.remove(
            options.makeContext(), path: try remotePath(path), versions: versions, recursive: recursive
        )
    }
}

/// `b2kit url`.
struct URLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "url", abstract: "Print a file's download URL.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "b2://BUCKET/NAME")
    var path: String

    func validate() throws { _ = try remotePath(path) }

    func run() async throws {
        try await TransferOperations.url(options.makeContext(), path: try remotePath(path))
    }
}
