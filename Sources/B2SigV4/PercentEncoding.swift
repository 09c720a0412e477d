/// Percent-encoding with a set of bytes left as they are: every other byte of the UTF-8 becomes `%XX` (upper-case
/// hex). The one percent coder of b2kit, with B2's and SigV4's sets as static values.
///
/// ```swift
/// PercentEncoding.b2.encode("dir/my file+1.txt")  // "dir/my%20file%2B1.txt"
/// PercentEncoding.sigV4.encode("a/b c")          // "a%2Fb%20c"
/// ```
public struct PercentEncoding: Sendable {
    /// For each byte, whether it stays unencoded.
    private let unescaped: [Bool]
    /// Whether decoding reads `+` as a space.
    public let plusIsSpace: Bool

    /// Creates an encoding.
    /// - Parameters:
    ///   - unescaped: The ASCII characters that stay as they are.
    ///   - plusIsSpace: Whether decoding reads `+` as a space (form encoding, B2) or leaves it (RFC 3986, SigV4).
    public init(unescaped: String, plusIsSpace: Bool) {
        var table = [Bool](repeating: false, count: 256)
        for byte in unescaped.utf8 { table[Int(byte)] = true }
        self.unescaped = table
        self.plusIsSpace = plusIsSpace
    }

    private static let alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

    /// B2's "Native API String Encoding" of file names and file info in headers and `/file/` URLs: B2's minimal
    /// set `A-Z a-z 0-9 - . _ ~ ! $ ' ( ) * ; = : @ /` stays, and `+` decodes as a space, as the official clients do.
    public static let b2 = PercentEncoding(unescaped: alphanumerics + "-._~!$'()*;=:@/", plusIsSpace: true)

    /// SigV4's URI encoding of query names and values: only `A-Z a-z 0-9 - _ . ~` stay; `+` stays `+` on decoding.
    public static let sigV4 = PercentEncoding(unescaped: alphanumerics + "-_.~", plusIsSpace: false)

    /// SigV4's encoding of an S3 path, such as `/bucket/my%20key.txt`: S3 encodes an object key once (not twice,
    /// unlike other AWS services) and keeps `/`.
    public static let sigV4Path = PercentEncoding(unescaped: alphanumerics + "-_.~/", plusIsSpace: false)

    /// Encodes text.
    /// - Parameter text: The decoded text.
    /// - Returns: The text with every byte outside the unescaped set as `%XX`.
    public func encode(_ text: some StringProtocol) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if unescaped[Int(byte)] {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes (either case of hex), and `+` as a space when `plusIsSpace`.
    /// - Parameter text: Encoded text, from a header, a path or a query.
    /// - Returns: The decoded text, or nil when an escape is malformed or the bytes are not UTF-8.
    public func decode(_ text: some StringProtocol) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace:
                out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = bytes.next().flatMap(Hex.value(of:)), let low = bytes.next().flatMap(Hex.value(of:))
                else { return nil }
                out.append(high << 4 | low)
            default:
                out.append(byte)
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}
