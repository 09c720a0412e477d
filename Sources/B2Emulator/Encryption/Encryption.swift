import B2JSON
import Crypto
import Foundation
import GRDB
import HTTPTypes

/// Server-side encryption as B2 applies it: SSE-B2 (a key the server keeps) and SSE-C (a key the client sends with
/// every request), both AES256, per version or as a bucket's default.
///
/// The bytes of an encrypted version are stored encrypted (``BlobCipher``). For SSE-C only the key's MD5 is stored,
/// so a request that reads the bytes must send the key again; a missing or different key is 403 `access_denied`,
/// which b2sdk raises as `SSECKeyError`.
struct Encryption: Sendable {
    /// The key of SSE-B2 versions, kept in the data folder's settings.
    let sseB2Key: AESKey

    /// What a request asks for (on a write) or presents (on a read).
    struct Requested: Sendable {
        /// The mode asked for; nil when the request names none.
        var mode: EncryptionMode?
        /// The customer's key, for SSE-C.
        var customerKey: AESKey?
        /// The base64 MD5 of `customerKey`.
        var customerKeyMd5: String?
        /// True when the request named "no encryption" explicitly (`{"mode": "none"}`).
        var explicitlyNone = false
    }

    // MARK: - Reading requests

    private static let sseHeader = HTTPField.Name("X-Bz-Server-Side-Encryption")!
    private static let algorithmHeader = HTTPField.Name("X-Bz-Server-Side-Encryption-Customer-Algorithm")!
    private static let keyHeader = HTTPField.Name("X-Bz-Server-Side-Encryption-Customer-Key")!
    private static let keyMd5Header = HTTPField.Name("X-Bz-Server-Side-Encryption-Customer-Key-Md5")!

    /// The `X-Bz-Server-Side-Encryption*` headers of an upload, a part or a download.
    static func requested(headers: HTTPFields) throws -> Requested {
        if let algorithm = headers[sseHeader] {
            guard algorithm == "AES256" else {
                throw B2APIError.badRequest("X-Bz-Server-Side-Encryption must be AES256, not \(algorithm)")
            }
            return Requested(mode: .sseB2)
        }
        guard headers[algorithmHeader] != nil || headers[keyHeader] != nil || headers[keyMd5Header] != nil else {
            return Requested()
        }
        guard headers[algorithmHeader] == "AES256" else {
            throw B2APIError.badRequest("X-Bz-Server-Side-Encryption-Customer-Algorithm must be AES256")
        }
        return try customer(key: headers[keyHeader], md5: headers[keyMd5Header], names: ("-Customer-Key", "-Key-Md5"))
    }

    /// A `serverSideEncryption`-shaped object: `{"mode": "SSE-B2"|"SSE-C"|"none"|null, "algorithm", "customerKey",
    /// "customerKeyMd5"}`; nil or JSON null asks for nothing.
    static func requested(json value: JSONValue?, field: String) throws -> Requested {
        guard let value, value != .null else { return Requested() }
        guard case .object = value else { throw B2APIError.badRequest("\(field) must be an object") }
        let mode: String? = if case .string(let text)? = value["mode"] { text } else { nil }
        switch mode {
        case nil, "none": return Requested(explicitlyNone: true)
        case "SSE-B2", "SSE-C":
            guard value["algorithm"] == "AES256" else {
                throw B2APIError.badRequest("\(field).algorithm must be AES256")
            }
            if mode == "SSE-B2" { return Requested(mode: .sseB2) }
            let key: String? = if case .string(let text)? = value["customerKey"] { text } else { nil }
            let md5: String? = if case .string(let text)? = value["customerKeyMd5"] { text } else { nil }
            return try customer(key: key, md5: md5, names: ("\(field).customerKey", "\(field).customerKeyMd5"))
        default:
            throw B2APIError.badRequest("\(field).mode must be SSE-B2, SSE-C or none, not \(mode!)")
        }
    }

    /// An SSE-C key and its MD5 as sent in headers (both base64), checked; `names` name the two headers in errors.
    static func customer(key: String?, md5: String?, names: (String, String)) throws -> Requested {
        guard let key, let bytes = Data(base64Encoded: key), bytes.count == 32 else {
            throw B2APIError.badRequest("\(names.0) must be the base64 of a 32-byte key")
        }
        let digest = Data(Insecure.MD5.hash(data: bytes)).base64EncodedString()
        guard let md5, md5 == digest else {
            throw B2APIError.badRequest("\(names.1) must be the base64 MD5 of the key, which is \(digest)")
        }
        return Requested(mode: .sseC, customerKey: AESKey(bytes: Array(bytes)), customerKeyMd5: digest)
    }

    /// A bucket's `defaultServerSideEncryption`: SSE-B2 or none (B2 takes no SSE-C default).
    static func bucketDefault(_ value: JSONValue) throws -> EncryptionMode? {
        let requested = try requested(json: value, field: "defaultServerSideEncryption")
        guard requested.mode != .sseC else {
            throw B2APIError.badRequest(
                "defaultServerSideEncryption can be SSE-B2 or none: SSE-C needs a key per request")
        }
        return requested.mode
    }

    // MARK: - Rules

    /// The encryption a new version gets: what it asks for, else its bucket's default.
    static func forNewVersion(_ requested: Requested, fileId: String, bucketId: String, db: Database) throws
        -> FileEncryptionRecord?
    {
        if let mode = requested.mode {
            return FileEncryptionRecord(fileId: fileId, mode: mode, customerKeyMd5: requested.customerKeyMd5)
        }
        if requested.explicitlyNone { return nil }
        return try BucketEncryptionRecord.fetchOne(db, key: bucketId).map {
            FileEncryptionRecord(fileId: fileId, mode: $0.mode)
        }
    }

    /// The key a version's bytes are encrypted with, given what the request presents: nil for a plain version.
    ///
    /// - Throws: 400 `bad_request` when an SSE-C version is read without its key, 403 `access_denied` with another
    ///   key (b2sdk's `SSECKeyError`), as B2 answers.
    func key(for record: FileEncryptionRecord?, presented: Requested) throws -> AESKey? {
        guard let record else { return nil }
        switch record.mode {
        case .sseB2:
            return sseB2Key
        case .sseC:
            guard let key = presented.customerKey else {
                throw B2APIError(
                    .badRequest, "bad_request",
                    "The object was stored using a form of Server Side Encryption. The correct parameters must be "
                        + "provided to retrieve the object.",
                    guidance: "The file is encrypted with SSE-C: send its key in the "
                        + "X-Bz-Server-Side-Encryption-Customer-* headers")
            }
            guard presented.customerKeyMd5 == record.customerKeyMd5 else {
                throw B2APIError(
                    .forbidden, "access_denied", "",
                    guidance: "The SSE-C key sent is not the key the file was stored with")
            }
            return key
        }
    }

    /// The key a new version's bytes are written with.
    func key(forWriting record: FileEncryptionRecord?, requested: Requested) -> AESKey? {
        guard let record else { return nil }
        return record.mode == .sseB2 ? sseB2Key : requested.customerKey
    }

    /// The encryption records of `fileIds`, skipping the lookup while no version is encrypted.
    static func records(_ db: Database, fileIds: [String]) throws -> [String: FileEncryptionRecord] {
        guard !fileIds.isEmpty, try !FileEncryptionRecord.all().isEmpty(db) else { return [:] }
        let rows = try FileEncryptionRecord.filter(keys: fileIds).fetchAll(db)
        return Dictionary(rows.map { ($0.fileId, $0) }, uniquingKeysWith: { $1 })
    }

    // MARK: - Rendering

    /// `serverSideEncryption` of a version reply.
    static func render(_ record: FileEncryptionRecord?) -> JSONValue {
        guard let record else { return ["algorithm": nil, "mode": nil] }
        var members: [(String, JSONValue)] = [("algorithm", "AES256"), ("mode", .string(record.mode.rawValue))]
        if let md5 = record.customerKeyMd5 { members.append(("customerKeyMd5", .string(md5))) }
        return .object(members)
    }

    /// `defaultServerSideEncryption` of a bucket reply.
    static func render(_ record: BucketEncryptionRecord?, canRead: Bool) -> JSONValue {
        guard canRead else { return ["isClientAuthorizedToRead": false, "value": nil] }
        let value: JSONValue =
            record.map { ["algorithm": "AES256", "mode": .string($0.mode.rawValue)] } ?? ["mode": "none"]
        return ["isClientAuthorizedToRead": true, "value": value]
    }

    /// The encryption headers of a download.
    static func addDownloadHeaders(_ record: FileEncryptionRecord?, to headers: inout HTTPFields) {
        switch record?.mode {
        case nil: break
        case .sseB2: headers[sseHeader] = "AES256"
        case .sseC:
            headers[algorithmHeader] = "AES256"
            headers[keyMd5Header] = record?.customerKeyMd5
        }
    }
}
