import B2Kit

/// A glob in rclone's filter syntax, matched against object names relative to the sync's root.
///
/// - `*` matches any run of characters within one path segment, `**` any run across segments, `?` one character
///   other than `/`, `[a-z]` / `[!a-z]` one character of (or not of) a class, `{jpg,png}` any one of the
///   alternatives (nesting allowed), and `\` makes the next character literal.
/// - A pattern that starts with `/` is anchored at the root. Any other pattern matches the end of the name, starting
///   at a segment boundary: `*.csv` matches `a.csv` and `logs/2024/a.csv`, and `a.csv` does not match `ba.csv`.
/// - A pattern that ends with `/` names a folder and matches everything under it (`logs/` is `logs/**`).
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let anchored: Bool
    private let alternatives: [[Token]]

    enum Token: Hashable, Sendable {
        case literal(UInt8)
        case anyCharacter
        case anyInSegment
        case anyAcrossSegments
        case characterClass(negated: Bool, ranges: [ClosedRange<Unicode.Scalar>])
    }

    /// The glob that matches exactly `name` (anchored at the root, every special character made literal).
    public static func exactly(_ name: String) throws -> Glob {
        var pattern = "/"
        for character in name {
            if "\\*?[]{}".contains(character) { pattern.append("\\") }
            pattern.append(character)
        }
        return try Glob(pattern)
    }

    /// Compiles a pattern.
    /// - Throws: `B2Error` with code `.usage` naming the problem (an unclosed `[` or `{`, a trailing `\`, an empty
    ///   pattern).
    public init(_ pattern: String) throws {
        self.pattern = pattern
        guard !pattern.isEmpty else {
            throw B2Error(.usage, "An empty glob matches nothing: give a pattern such as '*.csv' or 'logs/**'")
        }
        var text = Substring(pattern)
        anchored = text.hasPrefix("/")
        if anchored { text = text.dropFirst() }
        var expanded = try Self.expandBraces(String(text), pattern: pattern)
        expanded = expanded.map { $0.hasSuffix("/") ? $0 + "**" : $0 }
        alternatives = try expanded.map { try Self.tokens($0, pattern: pattern) }
    }

    /// The pattern as written.
    public var description: String { pattern }

    /// True when `name` (relative to the sync's root, no leading `/`) matches.
    public func matches(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        for tokens in alternatives {
            // One matcher per alternative: what failed from (token, position) fails whatever the start.
            var matcher = Matcher(tokens: tokens, name: bytes)
            if anchored {
                if matcher.matches(from: 0) { return true }
                continue
            }
            var start = 0
            while true {
                if matcher.matches(from: start) { return true }
                guard let slash = bytes[start...].firstIndex(of: UInt8(ascii: "/")) else { break }
                start = slash + 1
            }
        }
        return false
    }

    /// Expands `{a,b}` alternatives, innermost choices included, into plain patterns.
    private static func expandBraces(_ text: String, pattern: String) throws -> [String] {
        let characters = Array(text)
        var index = 0
        var escaped = false
        var open: Int?
        var depth = 0
        var commas: [Int] = []
        while index < characters.count {
            let character = characters[index]
            defer { index += 1 }
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "{":
                if depth == 0 { open = index }
                depth += 1
            case ",": if depth == 1 { commas.append(index) }
            case "}":
                guard depth > 0 else {
                    throw B2Error(
                        .usage, "The glob '\(pattern)' has a '}' without its '{': write \\} for a literal one")
                }
                depth -= 1
                if depth == 0, let start = open {
                    let head = String(characters[..<start])
                    let tail = String(characters[(index + 1)...])
                    let bounds = [start] + commas + [index]
                    var results: [String] = []
                    for (lower, upper) in zip(bounds, bounds.dropFirst()) {
                        let choice = String(characters[(lower + 1)..<upper])
                        for expansion in try expandBraces(head + choice + tail, pattern: pattern) {
                            results.append(expansion)
                        }
                    }
                    return results
                }
            default: break
            }
        }
        if depth > 0 {
            throw B2Error(.usage, "The glob '\(pattern)' opens a '{' it never closes: close it, or write \\{")
        }
        return [text]
    }

    private static func tokens(_ text: String, pattern: String) throws -> [Token] {
        var tokens: [Token] = []
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\\":
                guard let next = scalars.popFirst() else {
                    throw B2Error(.usage, "The glob '\(pattern)' ends with a lone '\\': remove it or escape it as \\\\")
                }
                tokens += String(next).utf8.map(Token.literal)
            case "*":
                if scalars.first == "*" {
                    scalars.removeFirst()
                    tokens.append(.anyAcrossSegments)
                } else {
                    tokens.append(.anyInSegment)
                }
            case "?":
                tokens.append(.anyCharacter)
            case "[":
                tokens.append(try characterClass(&scalars, pattern: pattern))
            default:
                tokens += String(scalar).utf8.map(Token.literal)
            }
        }
        return tokens
    }

    private static func characterClass(_ scalars: inout ArraySlice<Unicode.Scalar>, pattern: String) throws -> Token {
        var negated = false
        if let first = scalars.first, first == "!" || first == "^" {
            negated = true
            scalars.removeFirst()
        }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var first = true
        while let scalar = scalars.popFirst() {
            if scalar == "]", !first { return .characterClass(negated: negated, ranges: ranges) }
            first = false
            var lower = scalar
            if lower == "\\", let escaped = scalars.popFirst() { lower = escaped }
            if scalars.first == "-", scalars.dropFirst().first.map({ $0 != "]" }) == true {
                scalars.removeFirst()
                let upper = scalars.removeFirst()
                guard lower <= upper else {
                    throw B2Error(
                        .usage,
                        "The glob '\(pattern)' has a backwards range [\(lower)-\(upper)]: write [\(upper)-\(lower)]"
                    )
                }
                ranges.append(lower...upper)
            } else {
                ranges.append(lower...lower)
            }
        }
        throw B2Error(.usage, "The glob '\(pattern)' opens a '[' it never closes: close it, or write \\[")
    }
}

/// Matches tokens against the bytes of a name by backtracking, remembering failed (token, position) pairs so each
/// pair is tried once: at most tokens × bytes states, each scanning at most the rest of the name.
private struct Matcher {
    let tokens: [Glob.Token]
    let name: [UInt8]
    private var failed: [Bool]

    init(tokens: [Glob.Token], name: [UInt8]) {
        self.tokens = tokens
        self.name = name
        failed = Array(repeating: false, count: (tokens.count + 1) * (name.count + 1))
    }

    mutating func matches(from start: Int) -> Bool {
        match(token: 0, at: start)
    }

    private mutating func match(token: Int, at position: Int) -> Bool {
        if token == tokens.count { return position == name.count }
        let key = token * (name.count + 1) + position
        if failed[key] { return false }
        let result: Bool
        switch tokens[token] {
        case .literal(let byte):
            result = position < name.count && name[position] == byte && match(token: token + 1, at: position + 1)
        case .anyCharacter:
            if let (scalar, length) = scalar(at: position), scalar != "/" {
                result = match(token: token + 1, at: position + length)
            } else {
                result = false
            }
        case .characterClass(let negated, let ranges):
            if let (scalar, length) = scalar(at: position), scalar != "/",
                ranges.contains(where: { $0.contains(scalar) }) != negated
            {
                result = match(token: token + 1, at: position + length)
            } else {
                result = false
            }
        case .anyInSegment, .anyAcrossSegments:
            let crossesSegments = tokens[token] == .anyAcrossSegments
            var end = position
            var found = false
            while true {
                if match(token: token + 1, at: end) {
                    found = true
                    break
                }
                guard end < name.count, crossesSegments || name[end] != UInt8(ascii: "/") else { break }
                end += 1
            }
            result = found
        }
        if !result { failed[key] = true }
        return result
    }

    /// The scalar that starts at `position` and its length in bytes.
    private func scalar(at position: Int) -> (Unicode.Scalar, Int)? {
        guard position < name.count else { return nil }
        let lead = name[position]
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard position + length <= name.count else { return nil }
        var decoder = UTF8()
        var iterator = name[position..<(position + length)].makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
        return (scalar, length)
    }
}
