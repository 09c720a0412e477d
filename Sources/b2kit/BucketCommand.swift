import ArgumentParser
import B2KitCLI

/// `b2kit bucket`: commands on a bucket's settings.
struct BucketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bucket", abstract: "Change a bucket's settings and event notification rules.",
        subcommands: [UpdateBucketCommand.self, BucketNotifyCommand.self])
}

/// `b2kit bucket update`.
struct UpdateBucketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a bucket's type, lifecycle rules, default encryption, Object Lock, CORS or replication.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "b2://BUCKET")
    var bucket: String

    @Flag(name: .long, help: "Make the bucket's files downloadable without a token.")
    var `public` = false

    @Flag(name: .long, help: "Make the bucket's files need a token to download.")
    var `private` = false

    @OptionGroup var settings: BucketSettingsOptions

    func validate() throws {
        let path = try remotePath(bucket)
        guard path.key.isEmpty else {
            throw ValidationError("bucket update takes a bucket, not a path: b2://\(path.bucket)")
        }
        guard !(`public` && `private`) else { throw ValidationError("Give --public or --private, not both") }
    }

    func run() async throws {
        let type: String? = `public` ? "allPublic" : `private` ? "allPrivate" : nil
        try await BucketOperations.update(
            options.makeContext(), path: try remotePath(bucket), type: type, settings: try settings.input.settings())
    }
}
