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

    @OptionGroup var encryption: EncryptionOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Object Lock retention of the upload, with --retain-until.", valueName: "governance|compliance"))
    var retention: String?

    @Option(
        name: .customLong("retain-until"),
        help: ArgumentHelp("When retention ends: ISO 8601 or milliseconds since the epoch.", valueName: "time"))
    var retainUntil: String?

    @Option(name: .customLong("legal-hold"), help: ArgumentHelp("A legal hold on the upload.", valueName: "on|off"))
    var legalHold: String?

    private var fileOptions: FileOptionsInput {
        encryption.input(retention: retention, retainUntil: retainUntil, legalHold: legalHold)
    }

    func validate() throws {
        _ = try location(source)
        _ = try location(destination)
        if let partSize, partSize < 5_000_000 {
            throw ValidationError("--part-size must be at least 5000000 bytes (B2's smallest part)")
        }
    }

    func run() async throws {
        try await TransferOperations.copy(
            options.makeContext(), from: try location(source), to: try location(destination), partSize: partSize,
            options: try fileOptions.options(), sourceKey: try fileOptions.sourceKey)
    }
}
