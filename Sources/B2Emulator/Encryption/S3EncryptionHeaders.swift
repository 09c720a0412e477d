import HTTPTypes

/// Server-side encryption on the S3 API, as B2's S3 endpoint takes it: `x-amz-server-side-encryption: AES256`
/// (SSE-B2) and the three `x-amz-server-side-encryption-customer-*` headers (SSE-C), read into the same request the
/// native headers give, and written back on replies.
enum S3EncryptionHeaders {
    static let sse = HTTPField.Name("x-amz-server-side-encryption")!
    static let algorithm = HTTPField.Name("x-amz-server-side-encryption-customer-algorithm")!
    static let key = HTTPField.Name("x-amz-server-side-encryption-customer-key")!
    static let keyMd5 = HTTPField.Name("x-amz-server-side-encryption-customer-key-MD5")!
    static let copySourceAlgorithm = HTTPField.Name("x-amz-copy-source-server-side-encryption-customer-algorithm")!
    static let copySourceKey = HTTPField.Name("x-amz-copy-source-server-side-encryption-customer-key")!
    static let copySourceKeyMd5 = HTTPField.Name("x-amz-copy-source-server-side-encryption-customer-key-MD5")!

    /// What a write asks for, or a read presents: SSE-B2, an SSE-C key, or nothing.
    static func requested(_ headers: HTTPFields) throws -> Encryption.Requested {
        if let value = headers[sse] {
            guard value == "AES256" else {
                throw S3Error.invalidArgument(
                    "x-amz-server-side-encryption must be AES256: B2 encrypts with its own keys (SSE-B2), not \(value)")
            }
            return Encryption.Requested(mode: .sseB2)
        }
        return try customer(headers, names: (algorithm, key, keyMd5))
    }

    /// The SSE-C key a copy presents for its source.
    static func copySource(_ headers: HTTPFields) throws -> Encryption.Requested {
        try customer(headers, names: (copySourceAlgorithm, copySourceKey, copySourceKeyMd5))
    }

    private static func customer(
        _ headers: HTTPFields, names: (algorithm: HTTPField.Name, key: HTTPField.Name, md5: HTTPField.Name)
    ) throws -> Encryption.Requested {
        guard headers[names.algorithm] != nil || headers[names.key] != nil || headers[names.md5] != nil else {
            return Encryption.Requested()
        }
        guard headers[names.algorithm] == "AES256" else {
            throw S3Error.invalidArgument("\(names.algorithm.rawName) must be AES256")
        }
        do {
            return try Encryption.customer(
                key: headers[names.key], md5: headers[names.md5],
                names: (names.key.rawName, names.md5.rawName))
        } catch let error as B2APIError {
            throw S3Error.invalidArgument(error.message)
        }
    }

    /// The encryption headers of a reply about a version stored as `record` says.
    static func add(_ record: FileEncryptionRecord?, to headers: inout HTTPFields) {
        switch record?.mode {
        case nil: break
        case .sseB2: headers[sse] = "AES256"
        case .sseC:
            headers[algorithm] = "AES256"
            headers[keyMd5] = record?.customerKeyMd5
        }
    }
}
