import ArgumentParser
import B2KitCLI

/// `b2kit ls`.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List buckets, or the files under b2://BUCKET/PREFIX or s3://BUCKET/PREFIX."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "b2://BUCKET[/PREFIX] or s3://BUCKET[/PREFIX]; omit to list buckets.")
    var path: String?

    @Flag(name: .shortAndLong, help: "List everything below, not just one level.")
    var recursive = false

    @Flag(name: .long, help: "Show every version, hide markers and unfinished large files.")
    var versions = false

    @Flag(name: .shortAndLong, help: "Show action, size and upload time.")
    var long = false

    func validate() throws {
        if let path { _ = try remotePath(path) }
    }

    func run() async throws {
        try await ListOperation.run(
            options.makeContext(), path: try path.map(remotePath), recursive: recursive, versions: versions, long: long
        )
    }
}
