/// B2's rules for bucket names, file names and file info keys, each check answering B2's 400 error.
enum NameRules {
    /// Bucket names: 6 to 63 characters of letters, digits and `-`, not starting with `b2-`.
    static func checkBucketName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
        }
        guard (6...63).contains(name.utf8.count), allowed else {
            throw B2APIError.badRequest(
                "Invalid bucket name \"\(name)\": use 6 to 63 characters, only letters, digits and '-'"
            )
        }
        guard !name.lowercased().hasPrefix("b2-") else {
            throw B2APIError.badRequest("Invalid bucket name \"\(name)\": names may not start with 'b2-'")
        }
    }

    /// File names: 1 to 1024 bytes of UTF-8 with no control characters (below 32, or DEL).
    static func checkFileName(_ name: String) throws {
        let length = name.utf8.count
        guard length > 0 else { throw B2APIError.badRequest("File name is empty: give the file a name") }
        guard length <= 1024 else {
            throw B2APIError.badRequest("File name is \(length) bytes long: the limit is 1024 bytes of UTF-8")
        }
        guard !name.utf8.contains(where: { $0 < 32 || $0 == 127 }) else {
            throw B2APIError.badRequest("File name contains a control character (code below 32, or DEL): remove it")
        }
    }

    /// Standard file info keys that become response headers on download.
    static let headerInfoKeys: [String: String] = [
        "b2-content-disposition": "Content-Disposition",
        "b2-content-language": "Content-Language",
        "b2-expires": "Expires",
        "b2-cache-control": "Cache-Control",
        "b2-content-encoding": "Content-Encoding",
    ]

    /// File info: keys of at most 50 bytes from B2's character set, `b2-` keys only from the known set, and the
    /// name plus info at most 7000 bytes.
    static func checkFileInfo(_ info: [(String, String)], fileName: String) throws {
        var total = fileName.utf8.count
        for (key, value) in info {
            let keyAllowed = key.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || Array("-_.`~!#$%^&*'|+".utf8).contains(byte)
            }
            guard !key.isEmpty, key.utf8.count <= 50, keyAllowed else {
                throw B2APIError.badRequest(
                    "Invalid file info name \"\(key)\": use at most 50 letters, digits and -_.`~!#$%^&*'|+"
                )
            }
            if key.lowercased().hasPrefix("b2-"), headerInfoKeys[key.lowercased()] == nil {
                throw B2APIError.badRequest("Unknown reserved file info name \"\(key)\": b2- names are reserved")
            }
            total += key.utf8.count + value.utf8.count
        }
        guard total <= 7000 else {
            throw B2APIError.badRequest("File name and file info total \(total) bytes: the limit is 7000")
        }
    }
}
