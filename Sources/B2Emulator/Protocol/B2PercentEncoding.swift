/// B2's percent-encoding for file names and file info in headers and URL paths ("Native API String Encoding").
///
/// Decoding treats `+` as a space, as the official clients do; encoding leaves B2's "minimal" set unescaped.
enum B2PercentEncoding {
    /// Bytes that may stay unencoded: `A-Z a-z 0-9 - . _ ~ ! $ ' ( ) * ; = : @ /`.
    private static let unreserved: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$'()*;=:@/".utf8) {
            table[Int(byte)] = true
        }
        return table
    }()

    /// Encodes a UTF-8 string for an `x-bz-file-name` or `x-bz-info-*` header.
    static func encode(_ string: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            if unreserved[Int(byte)] {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a percent-encoded value, `+` meaning space.
    /// - Returns: nil when an escape is malformed or the bytes are not UTF-8.
    static func decode<S: StringProtocol>(_ encoded: S) -> String? {
        var out = [UInt8]()
        var bytes = encoded.utf8.makeIterator()
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else {
                    return nil
                }
                out.append(high << 4 | low)
            default:
                out.append(byte)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
