import ArgumentParser
import B2KitCLI

/// The encryption options of `cp` and `sync`: how what is written is encrypted, and the SSE-C key of what is read
/// from a `b2://` source by a server-side copy or a sync.
struct EncryptionOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Encrypt what is written to b2:// with B2's keys (B2) or yours (C).", valueName: "B2|C"))
    var sse: String?

    @Option(
        name: .customLong("sse-c-key-file"),
        help: ArgumentHelp(
            "With --sse C: a file holding the 32-byte key, raw or base64 (cp: also a download's key).",
            valueName: "file"))
    var sseCKeyFile: String?

    @Option(
        name: .customLong("source-sse-c-key-file"),
        help: ArgumentHelp(
            "The SSE-C key (a file of 32 bytes, raw or base64) a b2:// source is stored with, for a server-side "
                + "copy or a sync.",
            valueName: "file"))
    var sourceSseCKeyFile: String?

    /// The options as `FileOptionsInput` takes them, with cp's Object Lock options when given.
    func input(retention: String? = nil, retainUntil: String? = nil, legalHold: String? = nil) -> FileOptionsInput {
        FileOptionsInput(
            sse: sse, sseCKeyFile: sseCKeyFile, retention: retention, retainUntil: retainUntil, legalHold: legalHold,
            sourceSseCKeyFile: sourceSseCKeyFile)
    }
}
