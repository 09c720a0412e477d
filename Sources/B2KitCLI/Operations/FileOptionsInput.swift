import B2Kit
import B2SigV4
import Foundation

/// The file options `b2kit cp` takes: `--sse B2|C` with `--sse-c-key-file`, `--retention governance|compliance`
/// with `--retain-until`, and `--legal-hold on|off`; and, for a server-side copy or a sync, the source's SSE-C key
/// with `--source-sse-c-key-file` (`sync` takes the encryption options only).
public struct FileOptionsInput: Sendable {
    /// `B2` or `C`.
    public var sse: String?
    /// With `--sse C`: a file holding the 32-byte key, raw or base64.
    public var sseCKeyFile: String?
    /// `governance` or `compliance`.
    public var retention: String?
    /// When retention ends: ISO 8601 or milliseconds since the epoch.
    public var retainUntil: String?
    /// `on` or `off`.
    public var legalHold: String?
    /// A file holding the 32-byte SSE-C key of the source of a server-side copy or a sync.
    public var sourceSseCKeyFile: String?

    /// Options as given.
    public init(
        sse: String? = nil, sseCKeyFile: String? = nil, retention: String? = nil, retainUntil: String? = nil,
        legalHold: String? = nil, sourceSseCKeyFile: String? = nil
    ) {
        self.sourceSseCKeyFile = sourceSseCKeyFile
        self.sse = sse
        self.sseCKeyFile = sseCKeyFile
        self.retention = retention
        self.retainUntil = retainUntil
        self.legalHold = legalHold
    }

    /// The options, checked.
    /// - Throws: `B2Error` `.usage` saying which option is wrong and what it takes.
    public func options() throws -> B2FileOptions {
        var options = B2FileOptions()
        switch sse?.uppercased() {
        case nil:
            guard sseCKeyFile == nil else { throw B2Error(.usage, "--sse-c-key-file goes with --sse C") }
        case "B2", "SSE-B2":
            guard sseCKeyFile == nil else { throw B2Error(.usage, "--sse-c-key-file goes with --sse C, not --sse B2") }
            options.encryption = .sseB2
        case "C", "SSE-C":
            guard let sseCKeyFile else {
                throw B2Error(.usage, "--sse C needs --sse-c-key-file FILE, the 32-byte key (raw or base64)")
            }
            options.encryption = try Self.customerKey(file: sseCKeyFile, option: "--sse-c-key-file")
        case let other?:
            throw B2Error(.usage, "--sse takes B2 or C, not \(other)")
        }
        switch (retention, retainUntil) {
        case (nil, nil): break
        case (let mode?, let until?):
            guard let mode = B2Retention.Mode(rawValue: mode.lowercased()) else {
                throw B2Error(.usage, "--retention takes governance or compliance, not \(mode)")
            }
            options.retention = B2Retention(mode: mode, retainUntilMillis: try Self.millis(until))
        default:
            throw B2Error(.usage, "--retention and --retain-until go together")
        }
        switch legalHold?.lowercased() {
        case nil: break
        case "on": options.legalHold = true
        case "off": options.legalHold = false
        case let other?: throw B2Error(.usage, "--legal-hold takes on or off, not \(other)")
        }
        return options
    }

    /// The SSE-C key a source is stored with, from `--source-sse-c-key-file` (nil without it).
    public var sourceKey: B2Encryption? {
        get throws {
            try sourceSseCKeyFile.map { try Self.customerKey(file: $0, option: "--source-sse-c-key-file") }
        }
    }

    /// An SSE-C key from a file holding its 32 bytes, raw or base64.
    private static func customerKey(file: String, option: String) throws -> B2Encryption {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw B2Error(.usage, "\(option) \(file): cannot read the file: check the path")
        }
        do {
            return try B2Encryption.customerKey(Array(data))
        } catch let error as B2Error {
            throw B2Error(.usage, "\(option) \(file): \(error.message)")
        }
    }

    /// `--retain-until`: ISO 8601 with a zone (or a date) or milliseconds since the epoch.
    private static func millis(_ text: String) throws -> Int64 {
        if let millis = Int64(text) { return millis }
        guard let date = ISO8601Timestamp.date(from: text) else {
            throw B2Error(
                .usage,
                "--retain-until takes an ISO 8601 time such as 2030-01-01T00:00:00Z or milliseconds since the epoch, "
                    + "not \(text)")
        }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
