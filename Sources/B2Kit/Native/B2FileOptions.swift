import B2JSON
import Crypto
import Foundation

/// How B2 keeps a new file: its server-side encryption, retention and legal hold (the last two need a bucket with
/// Object Lock). What is nil is left to the bucket's defaults.
public struct B2FileOptions: Sendable, Equatable {
    /// SSE-B2 or SSE-C; nil for the bucket's default.
    public var encryption: B2Encryption?
    /// Governance or compliance retention until a time.
    public var retention: B2Retention?
    /// A legal hold, on or off.
    public var legalHold: Bool?

    /// Options that ask for nothing.
    public init(encryption: B2Encryption? = nil, retention: B2Retention? = nil, legalHold: Bool? = nil) {
        self.encryption = encryption
        self.retention = retention
        self.legalHold = legalHold
    }

    /// The headers of `b2_upload_file` (and, for SSE-C, of every `b2_upload_part`).
    var uploadHeaders: [(String, String)] {
        var headers = encryption?.headers ?? []
        if let retention {
            headers += [
                ("X-Bz-File-Retention-Mode", retention.mode.rawValue),
                ("X-Bz-File-Retention-Retain-Until-Timestamp", String(retention.retainUntilMillis)),
            ]
        }
        if let legalHold { headers.append(("X-Bz-File-Legal-Hold", legalHold ? "on" : "off")) }
        return headers
    }

    /// The fields of `b2_start_large_file`.
    var startParameters: [String: JSONValue] {
        var parameters: [String: JSONValue] = [:]
        if let encryption { parameters["serverSideEncryption"] = encryption.json }
        if let retention {
            parameters["fileRetention"] = [
                "mode": .string(retention.mode.rawValue), "retainUntilTimestamp": .int(retention.retainUntilMillis),
            ]
        }
        if let legalHold { parameters["legalHold"] = .string(legalHold ? "on" : "off") }
        return parameters
    }
}

/// Server-side encryption of a file: with B2's keys (SSE-B2), or with the caller's 32-byte AES-256 key (SSE-C),
/// which B2 never stores and every read must send again.
public enum B2Encryption: Sendable, Equatable {
    /// Encrypted with B2's keys.
    case sseB2
    /// Encrypted with the caller's 32-byte key.
    case sseC(key: [UInt8])

    /// SSE-C with a key given as 32 raw bytes or their base64 (as `--sse-c-key-file` takes it).
    /// - Throws: `B2Error` `.usage` when the data is neither.
    public static func customerKey(_ data: [UInt8]) throws -> B2Encryption {
        if data.count == 32 { return .sseC(key: data) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if let decoded = Data(base64Encoded: text), decoded.count == 32 { return .sseC(key: Array(decoded)) }
        throw B2Error(
            .usage,
            "An SSE-C key is 32 bytes, raw or in base64; this one is \(data.count) bytes: make one with "
                + "`head -c 32 /dev/urandom > key.bin`")
    }

    fileprivate var keyParts: (key: String, md5: String)? {
        guard case .sseC(let key) = self else { return nil }
        return (Data(key).base64EncodedString(), Data(Insecure.MD5.hash(data: key)).base64EncodedString())
    }

    /// The headers of an upload, a part, or (for SSE-C) a download.
    var headers: [(String, String)] {
        guard let parts = keyParts else { return [("X-Bz-Server-Side-Encryption", "AES256")] }
        return [
            ("X-Bz-Server-Side-Encryption-Customer-Algorithm", "AES256"),
            ("X-Bz-Server-Side-Encryption-Customer-Key", parts.key),
            ("X-Bz-Server-Side-Encryption-Customer-Key-Md5", parts.md5),
        ]
    }

    /// The headers a read sends: only SSE-C needs any.
    var readHeaders: [(String, String)] { keyParts == nil ? [] : headers }

    /// B2's `serverSideEncryption` object.
    var json: JSONValue {
        guard let parts = keyParts else { return ["mode": "SSE-B2", "algorithm": "AES256"] }
        return [
            "mode": "SSE-C", "algorithm": "AES256", "customerKey": .string(parts.key),
            "customerKeyMd5": .string(parts.md5),
        ]
    }
}

/// Object Lock retention: the file cannot be deleted or overwritten-away before `retainUntilMillis`
/// (governance can be lifted with the bypassGovernance capability; compliance never).
public struct B2Retention: Sendable, Equatable {
    /// `governance` or `compliance`.
    public enum Mode: String, Sendable, CaseIterable {
        /// Can be shortened or removed with the bypassGovernance capability.
        case governance
        /// Can only be extended.
        case compliance
    }

    /// Governance or compliance.
    public var mode: Mode
    /// Milliseconds since the epoch.
    public var retainUntilMillis: Int64

    /// Retention in `mode` until `retainUntilMillis`.
    public init(mode: Mode, retainUntilMillis: Int64) {
        self.mode = mode
        self.retainUntilMillis = retainUntilMillis
    }
}

extension B2Encryption: CustomStringConvertible, CustomDebugStringConvertible {
    /// `SSE-B2`, or `SSE-C` with the key's MD5: never the key itself, so that printing options or errors keeps it
    /// secret.
    public var description: String {
        guard let parts = keyParts else { return "SSE-B2" }
        return "SSE-C (key MD5 \(parts.md5))"
    }

    /// The same as `description`.
    public var debugDescription: String { description }
}
