import NIOCore

/// Builds the small XML documents S3 answers with, escaping text as XML requires.
struct S3XMLWriter {
    private var text: String
    private var open: [String] = []

    /// Starts a document whose root element carries S3's namespace (error documents carry none).
    init(root: String) {
        let namespace = root == "Error" ? "" : " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""
        text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(root)\(namespace)>"
        open = [root]
    }

    /// Appends `<name>value</name>`.
    mutating func element(_ name: String, _ value: String) {
        text += "<\(name)>\(Self.escape(value))</\(name)>"
    }

    /// Appends escaped text inside the innermost open element.
    mutating func text(_ value: String) {
        text += Self.escape(value)
    }

    /// Opens an element; close it with ``end()``.
    mutating func begin(_ name: String) {
        text += "<\(name)>"
        open.append(name)
    }

    /// Closes the innermost open element.
    mutating func end() {
        text += "</\(open.removeLast())>"
    }

    /// Closes every open element and returns the document's bytes.
    mutating func finish() -> ByteBuffer {
        while !open.isEmpty { end() }
        return ByteBuffer(string: text)
    }

    /// Escapes `&`, `<`, `>`, quotes, and control characters XML 1.0 cannot carry literally.
    static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 || $0 < 32 })
        else { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count + 16)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if scalar.value < 32 {
                    out += "&#\(scalar.value);"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
