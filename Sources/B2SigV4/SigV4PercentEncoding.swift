/// SigV4's URI encoding: every byte except the unreserved `A-Z a-z 0-9 - _ . ~` becomes `%XX` (upper-case hex).
///
/// S3 encodes an object key once (not twice, unlike other AWS services) and keeps `/` in paths.
public enum SigV4PercentEncoding {
    /// Encodes a query parameter name or value, or any string where `/` must be encoded too.
    /// - Parameter text: The decoded text.
    /// - Returns: The encoded text.
    public static func encode(_ text: String) -> String {
        encode(text, keepSlash: false)
    }

    /// Encodes a URL path the way S3 does: once, keeping `/`.
    /// - Parameter path: The decoded path, such as `/bucket/my key.txt`.
    /// - Returns: The encoded path, such as `/bucket/my%20key.txt`.
    public static func encodePath(_ path: String) -> String {
        encode(path, keepSlash: true)
    }

    /// Decodes `%XX` escapes; other characters, including `+`, stay as they are.
    /// - Parameter text: Encoded text from a request line.
    /// - Returns: The decoded text, or `nil` when an escape is malformed or the bytes are not UTF-8.
    public static func decode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func encode(_ text: String, keepSlash: Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
