import B2SigV4
import HTTPTypes
import Hummingbird

/// The headers of an upload request, decoded and checked.
struct UploadHeaders {
    let contentLength: Int64
    let expectation: SHA1Expectation

    init(_ request: Request) throws {
        guard let lengthText = request.headers[.contentLength], let length = Int64(lengthText), length >= 0 else {
            throw B2APIError.badRequest("Content-Length is required on uploads: send the body with its length")
        }
        contentLength = length
        guard let sha1 = request.headers[HTTPField.Name("X-Bz-Content-Sha1")!] else {
            throw B2APIError.badRequest(
                "X-Bz-Content-Sha1 is required: send the SHA-1 of the content, hex_digits_at_end or do_not_verify"
            )
        }
        switch sha1 {
        case "hex_digits_at_end": expectation = .atEnd
        case "do_not_verify": expectation = .doNotVerify
        default:
            guard ContentDigest.isSHA1Hex(sha1) else {
                throw B2APIError.badRequest("X-Bz-Content-Sha1 \"\(sha1)\" is not 40 hex digits")
            }
            expectation = .digest(sha1)
        }
    }

    /// The decoded `X-Bz-File-Name`.
    static func fileName(_ request: Request) throws -> String {
        guard let encoded = request.headers[HTTPField.Name("X-Bz-File-Name")!] else {
            throw B2APIError.badRequest("X-Bz-File-Name is required: send the percent-encoded file name")
        }
        guard let name = PercentEncoding.b2.decode(encoded) else {
            throw B2APIError.badRequest("X-Bz-File-Name is not valid percent-encoded UTF-8: \(encoded)")
        }
        try NameRules.checkFileName(name)
        return name
    }

    /// The decoded `X-Bz-Info-*` headers, keys lower-cased, in the order sent.
    static func fileInfo(_ request: Request) throws -> [(String, String)] {
        var info: [(String, String)] = []
        for field in request.headers {
            let name = field.name.canonicalName
            guard name.hasPrefix("x-bz-info-") else { continue }
            let key = String(name.dropFirst("x-bz-info-".count))
            guard let value = PercentEncoding.b2.decode(field.value) else {
                throw B2APIError.badRequest("Header \(field.name) is not valid percent-encoded UTF-8")
            }
            info.append((key, value))
        }
        return info
    }
}
