/// An element of a small XML request body (CompleteMultipartUpload, Delete, CreateBucketConfiguration), parsed
/// strictly: a document that is not well-formed is refused, never half-read.
struct S3XMLElement: Equatable {
    /// The local name (any namespace prefix removed).
    let name: String
    /// Child elements, in order.
    let children: [S3XMLElement]
    /// The element's text with entities decoded (text between children is joined).
    let text: String

    /// The first child named `name`.
    func child(_ name: String) -> S3XMLElement? { children.first { $0.name == name } }

    /// Every child named `name`.
    func children(_ name: String) -> [S3XMLElement] { children.filter { $0.name == name } }

    /// Parses a whole document.
    ///
    /// - Throws: ``S3Error`` `MalformedXML` naming what is wrong and where.
    static func parse(_ bytes: [UInt8]) throws -> S3XMLElement {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() throws -> S3XMLElement {
            skipProlog()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw fail("no root element") }
            let root = try element(depth: 0)
            skipMisc()
            guard index == bytes.count else { throw fail("content after the root element") }
            return root
        }

        func fail(_ what: String) -> S3Error { .malformedXML("\(what) at byte \(index)") }

        mutating func skipSpace() {
            while index < bytes.count, [32, 9, 10, 13].contains(bytes[index]) { index += 1 }
        }

        func starts(with text: String) -> Bool {
            let needle = Array(text.utf8)
            return index + needle.count <= bytes.count && Array(bytes[index..<index + needle.count]) == needle
        }

        mutating func skip(past text: String) throws {
            let needle = Array(text.utf8)
            while index + needle.count <= bytes.count {
                if Array(bytes[index..<index + needle.count]) == needle {
                    index += needle.count
                    return
                }
                index += 1
            }
            throw fail("unterminated \(text)")
        }

        mutating func skipProlog() {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            skipMisc()
        }

        mutating func skipMisc() {
            while true {
                skipSpace()
                if starts(with: "<?") {
                    if (try? skip(past: "?>")) == nil { return }
                } else if starts(with: "<!--") {
                    if (try? skip(past: "-->")) == nil { return }
                } else {
                    return
                }
            }
        }

        mutating func name() throws -> String {
            let start = index
            while index < bytes.count, !([32, 9, 10, 13, 47, 62, 61].contains(bytes[index])) { index += 1 }
            guard index > start, let text = String(validating: bytes[start..<index], as: UTF8.self) else {
                throw fail("an element name is missing or not UTF-8")
            }
            return text
        }

        mutating func element(depth: Int) throws -> S3XMLElement {
            guard depth < 32 else { throw fail("elements nested too deep") }
            index += 1  // "<"
            let qualified = try name()
            // Attributes (such as xmlns) are skipped, but must be well-formed.
            while true {
                skipSpace()
                guard index < bytes.count else { throw fail("unterminated start tag <\(qualified)>") }
                if bytes[index] == UInt8(ascii: "/") {
                    guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else {
                        throw fail("stray / in <\(qualified)>")
                    }
                    index += 2
                    return S3XMLElement(name: Self.local(qualified), children: [], text: "")
                }
                if bytes[index] == UInt8(ascii: ">") {
                    index += 1
                    break
                }
                _ = try name()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                    throw fail("an attribute of <\(qualified)> has no value")
                }
                index += 1
                skipSpace()
                guard index < bytes.count, bytes[index] == 34 || bytes[index] == 39 else {
                    throw fail("an attribute value of <\(qualified)> is not quoted")
                }
                let quote = bytes[index]
                index += 1
                while index < bytes.count, bytes[index] != quote { index += 1 }
                guard index < bytes.count else { throw fail("unterminated attribute in <\(qualified)>") }
                index += 1
            }
            var children: [S3XMLElement] = []
            var text: [UInt8] = []
            while true {
                guard index < bytes.count else { throw fail("<\(qualified)> is not closed") }
                if starts(with: "</") {
                    index += 2
                    let closing = try name()
                    skipSpace()
                    guard closing == qualified, index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                        throw fail("</\(closing)> does not close <\(qualified)>")
                    }
                    index += 1
                    guard let decoded = Self.decodeEntities(text) else {
                        throw fail("bad entity or UTF-8 in <\(qualified)>")
                    }
                    return S3XMLElement(name: Self.local(qualified), children: children, text: decoded)
                } else if starts(with: "<!--") {
                    try skip(past: "-->")
                } else if starts(with: "<![CDATA[") {
                    index += 9
                    let start = index
                    try skip(past: "]]>")
                    text.append(contentsOf: Self.escapeAmpersands(bytes[start..<(index - 3)]))
                } else if bytes[index] == UInt8(ascii: "<") {
                    children.append(try element(depth: depth + 1))
                } else {
                    text.append(bytes[index])
                    index += 1
                }
            }
        }

        static func local(_ qualified: String) -> String {
            guard let colon = qualified.lastIndex(of: ":") else { return qualified }
            return String(qualified[qualified.index(after: colon)...])
        }

        static func escapeAmpersands(_ slice: ArraySlice<UInt8>) -> [UInt8] {
            var out: [UInt8] = []
            for byte in slice {
                if byte == UInt8(ascii: "&") { out.append(contentsOf: Array("&amp;".utf8)) } else { out.append(byte) }
            }
            return out
        }

        static func decodeEntities(_ raw: [UInt8]) -> String? {
            guard let text = String(validating: raw, as: UTF8.self) else { return nil }
            guard text.contains("&") else { return text }
            var out = ""
            var rest = Substring(text)
            while let amp = rest.firstIndex(of: "&") {
                out += rest[..<amp]
                guard let semi = rest[amp...].firstIndex(of: ";") else { return nil }
                let entity = rest[rest.index(after: amp)..<semi]
                switch entity {
                case "amp": out += "&"
                case "lt": out += "<"
                case "gt": out += ">"
                case "quot": out += "\""
                case "apos": out += "'"
                default:
                    let value: UInt32?
                    if entity.hasPrefix("#x") {
                        value = UInt32(entity.dropFirst(2), radix: 16)
                    } else if entity.hasPrefix("#") {
                        value = UInt32(entity.dropFirst(), radix: 10)
                    } else {
                        value = nil
                    }
                    guard let value, let scalar = Unicode.Scalar(value) else { return nil }
                    out.unicodeScalars.append(scalar)
                }
                rest = rest[rest.index(after: semi)...]
            }
            return out + rest
        }
    }
}
