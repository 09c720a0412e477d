/// A strict recursive-descent JSON parser (RFC 8259) over UTF-8 bytes that keeps object members in order, is bounded
/// in nesting depth and says where it failed.
///
/// ```swift
/// let value = try JSONParser.parse(Array(#"{"a": [1, 2.5, null]}"#.utf8))
/// ```
public struct JSONParser {
    /// What the parser accepts beyond RFC 8259, and its bounds.
    public struct Options: Sendable, Equatable {
        /// Reads `NaN`, `Infinity` and `-Infinity`, and numbers too large for `Double`, as non-finite doubles
        /// (pandas writes them); when false they are syntax errors, as RFC 8259 says.
        public var allowsNonFiniteNumbers: Bool
        /// How many arrays and objects may nest inside each other.
        public var maximumDepth: Int
        /// Keeps every member of an object whose key repeats; when false a later member replaces the earlier one
        /// in its place.
        public var keepsDuplicateKeys: Bool

        /// Creates options.
        /// - Parameters:
        ///   - allowsNonFiniteNumbers: Whether `NaN`, `Infinity` and overflowing numbers are read.
        ///   - maximumDepth: How many arrays and objects may nest.
        ///   - keepsDuplicateKeys: Whether a repeated key keeps both members.
        public init(allowsNonFiniteNumbers: Bool = false, maximumDepth: Int = 512, keepsDuplicateKeys: Bool = false) {
            self.allowsNonFiniteNumbers = allowsNonFiniteNumbers
            self.maximumDepth = maximumDepth
            self.keepsDuplicateKeys = keepsDuplicateKeys
        }
    }

    private let bytes: [UInt8]
    private let options: Options
    private var index = 0
    private var depth = 0

    private init(_ bytes: [UInt8], options: Options) {
        self.bytes = bytes
        self.options = options
    }

    /// Parses one whole document: a value with only whitespace around it.
    /// - Parameters:
    ///   - bytes: The UTF-8 text.
    ///   - options: What is accepted beyond RFC 8259.
    /// - Returns: The value.
    /// - Throws: `JSONSyntaxError` with the offset, line and reason where the text stops being JSON.
    public static func parse(_ bytes: [UInt8], options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes, options: options)
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.error("text after the end of the JSON value") }
        return value
    }

    /// True when `bytes` hold only JSON whitespace (an empty body, a blank line).
    public static func isBlank(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.allSatisfy(isSpace)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private func error(_ reason: String) -> JSONSyntaxError {
        let line = bytes[..<min(index, bytes.count)].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        return JSONSyntaxError(offset: index, line: line, reason: reason)
    }

    private func unexpected(at position: Int) -> JSONSyntaxError {
        error("unexpected character '\(Character(Unicode.Scalar(bytes[position])))'")
    }

    private mutating func skipSpace() {
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw error("the text ends where a value should be") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "N") where options.allowsNonFiniteNumbers: return try literal("NaN", .double(.nan))
        case UInt8(ascii: "I") where options.allowsNonFiniteNumbers: return try literal("Infinity", .double(.infinity))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw unexpected(at: index)
        }
    }

    private mutating func literal(_ text: String, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        let expected = Array(text.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw unexpected(at: index)
        }
        index += expected.count
        return value
    }

    private mutating func nest() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= options.maximumDepth else {
            throw error("nested more than \(options.maximumDepth) levels deep")
        }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        var members: [(String, JSONValue)] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipSpace()
            let member = try value()
            if !options.keepsDuplicateKeys, let existing = members.firstIndex(where: { $0.0 == key }) {
                members[existing].1 = member
            } else {
                members.append((key, member))
            }
            skipSpace()
            guard index < bytes.count else { throw error("the text ends inside an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
            index += 1
            return .object(members)
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipSpace()
            elements.append(try value())
            skipSpace()
            guard index < bytes.count else { throw error("the text ends inside an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
            index += 1
            return .array(elements)
        }
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        index += 1
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw error("a string is not UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
                default: throw error("an unknown escape")
                }
            case 0..<0x20:
                throw error("a control character inside a string (escape it)")
            default:
                out.append(byte)
            }
        }
        throw error("the text ends inside a string")
    }

    /// The UTF-8 of a `\u` escape after its `u`, joining a surrogate pair.
    private mutating func unicodeEscape() throws(JSONSyntaxError) -> [UInt8] {
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar), bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
        {
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("a broken surrogate pair") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw error("a lone surrogate") }
        return Array(String(unicode).utf8)
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("a short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Character(Unicode.Scalar(bytes[index])).hexDigitValue else {
                throw error("a bad \\u escape")
            }
            index += 1
            value = value * 16 + UInt32(digit)
        }
        return value
    }

    private mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            if options.allowsNonFiniteNumbers, index < bytes.count, bytes[index] == UInt8(ascii: "I") {
                return try literal("Infinity", .double(-.infinity))
            }
        }
        var isInteger = true
        while index < bytes.count {
            let byte = bytes[index]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                index += 1
            } else if [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-")]
                .contains(byte)
            {
                isInteger = false
                index += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .int(integer) }
        guard let number = Double(text), number.isFinite || options.allowsNonFiniteNumbers else {
            throw error("'\(text)' is not a number")
        }
        return .double(number)
    }
}
