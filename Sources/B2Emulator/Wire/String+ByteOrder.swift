extension String {
    /// True when the UTF-8 bytes of `self` start with those of `prefix` (no Unicode normalisation, as B2 compares).
    func hasBytePrefix(_ prefix: String) -> Bool {
        utf8.starts(with: prefix.utf8)
    }

    /// The later of two strings in UTF-8 byte order, B2's (and SQLite's) order of names.
    static func byteMax(_ a: String, _ b: String) -> String {
        a.utf8.lexicographicallyPrecedes(b.utf8) ? b : a
    }

    /// The text after the first `count` UTF-8 bytes.
    func droppingBytes(_ count: Int) -> Substring {
        let index = utf8.index(utf8.startIndex, offsetBy: count)
        return self[index...]
    }
}
