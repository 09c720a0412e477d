import ArgumentParser
import B2Kit
import B2KitCLI

/// `b2kit mb`.
struct MakeBucketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mb", abstract: "Create a bucket.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "b2://BUCKET or s3://BUCKET")
    var bucket: String

    @Flag(name: .long, help: "Make the bucket's files downloadable without a token.")
    var `public` = false

    @OptionGroup var settings: BucketSettingsOptions

    func validate() throws {
        let path = try remotePath(bucket)
        guard path.key.isEmpty else {
            throw ValidationError("mb takes a bucket, not a path: \(path.scheme.rawValue)://\(path.bucket)")
        }
    }

    func run() async throws {
        try await BucketOperations.make(
            options.makeContext(), path: try remotePath(bucket), isPublic: `public`,
            settings: try settings.input.settings())
    }
}
