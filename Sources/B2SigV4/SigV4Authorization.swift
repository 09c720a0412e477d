/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` header or of
/// the equivalent `X-Amz-Credential`, `X-Amz-SignedHeaders` and `X-Amz-Signature` query parameters.
public struct SigV4Authorization: Sendable, Equatable {
    /// The access key id from the credential.
    public var accessKeyId: String
    /// The credential scope.
    public var scope: SigV4Scope
    /// The signed header names, as listed.
    public var signedHeaders: [String]
    /// The hex signature.
    public var signature: String

    /// Creates the parts.
    /// - Parameters:
    ///   - accessKeyId: The access key id.
    ///   - scope: The credential scope.
    ///   - signedHeaders: The signed header names.
    ///   - signature: The hex signature.
    public init(accessKeyId: String, scope: SigV4Scope, signedHeaders: [String], signature: String) {
        self.accessKeyId = accessKeyId
        self.scope = scope
        self.signedHeaders = signedHeaders
        self.signature = signature
    }

    /// Parses an `Authorization` header value.
    /// - Parameter header: The header value.
    /// - Returns: The parts.
    /// - Throws: ``SigV4VerificationError`` with ``SigV4VerificationError/Code/malformedAuthorization`` when the
    ///   algorithm is not `AWS4-HMAC-SHA256` or a part is missing or malformed.
    public static func parse(header: String) throws(SigV4VerificationError) -> SigV4Authorization {
        let trimmed = header.drop { $0 == " " }
        let prefix = SigV4Signer.algorithm + " "
        guard trimmed.hasPrefix(prefix) else {
            throw .malformed("the algorithm must be \(SigV4Signer.algorithm)", presigned: false)
        }
        var fields: [String: String] = [:]
        for part in trimmed.dropFirst(prefix.count).split(separator: ",") {
            let item = part.trimmingSpaces
            guard let equals = item.firstIndex(of: "=") else {
                throw .malformed("'\(item)' is not a name=value pair", presigned: false)
            }
            fields[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            throw .malformed("Credential, SignedHeaders and Signature are all required", presigned: false)
        }
        return try make(credential: credential, signedHeaders: signed, signature: signature, presigned: false)
    }

    static func make(credential: String, signedHeaders: String, signature: String, presigned: Bool)
        throws(SigV4VerificationError) -> SigV4Authorization
    {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts.last == "aws4_request" else {
            throw .malformed(
                "the credential '\(credential)' is not <key id>/<date>/<region>/<service>/aws4_request",
                presigned: presigned)
        }
        let keyId = parts.dropLast(4).joined(separator: "/")
        let date = String(parts[parts.count - 4])
        guard !keyId.isEmpty, date.utf8.count == 8, date.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw .malformed("the credential '\(credential)' has no key id or no yyyyMMdd date", presigned: presigned)
        }
        let names = signedHeaders.split(separator: ";").map(String.init)
        guard !names.isEmpty, names.allSatisfy({ $0 == $0.lowercased() }) else {
            throw .malformed("SignedHeaders must list lower-case header names", presigned: presigned)
        }
        guard signature.utf8.count == 64, signature.utf8.allSatisfy(Hex.isLowerHexDigit) else {
            throw .malformed("the signature must be 64 lower-case hex digits", presigned: presigned)
        }
        let scope = SigV4Scope(
            date: date, region: String(parts[parts.count - 3]), service: String(parts[parts.count - 2]))
        return SigV4Authorization(accessKeyId: keyId, scope: scope, signedHeaders: names, signature: signature)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        drop { $0 == " " }.reversed().drop { $0 == " " }.reversed().reduce(into: Substring()) { $0.append($1) }
    }
}
