/// The `scheme://` at the start of a path, if the text has one.
struct SchemePrefix {
    /// The scheme as written, without `://`.
    let name: Substring
    /// What follows `://`.
    let rest: Substring

    /// Finds a URL-style scheme (a letter, then letters, digits, '+', '-' or '.') followed by `://`.
    init?(_ text: String) {
        guard let range = text.range(of: "://") else { return nil }
        let name = text[..<range.lowerBound]
        guard let first = name.unicodeScalars.first, Self.isLetter(first),
            name.unicodeScalars.allSatisfy({
                Self.isLetter($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)
            })
        else { return nil }
        self.name = name
        self.rest = text[range.upperBound...]
    }

    /// The scheme a text was probably meant to carry when it starts `b2:` or `s3:` without the `//`.
    static func almost(_ text: String) -> B2Path.Scheme? {
        let lowered = text.lowercased()
        return B2Path.Scheme.allCases.first { lowered.hasPrefix("\($0.rawValue):") }
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
