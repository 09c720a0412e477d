import ArgumentParser
import B2Kit
import B2KitCLI

/// `b2kit rb`.
struct RemoveBucketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rb", abstract: "Delete an empty bucket.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "b2://BUCKET or s3://BUCKET")
    var bucket: String

    func validate() throws {
        let path = try remotePath(bucket)
        guard path.key.isEmpty else {
            throw ValidationError("rb takes a bucket, not a path: \(path.scheme.rawValue)://\(path.bucket)")
        }
    }

    func run() async throws {
        try await BucketOperations.remove(options.makeContext(), path: try remotePath(bucket))
    }
}
