/// Tells whether a cell is one of the missing-value texts, comparing bytes where that gives the answer `String`
/// equality gives (both sides ASCII), and comparing as `String` otherwise.
struct MissingValueMatcher {
    private let texts: Set<String>
    /// The longest text's UTF-8 length: a longer cell is never missing.
    private let longest: Int
    /// The texts as bytes, or nil when one is not ASCII (then every cell is compared as a `String`).
    private let asciiTexts: [[UInt8]]?
    /// Per byte, true when some non-empty text starts with it.
    private let firstBytes: [Bool]
    private let matchesEmpty: Bool

    init(_ texts: Set<String>) {
        self.texts = texts
        longest = texts.map(\.utf8.count).max() ?? 0
        let bytes = texts.map { Array($0.utf8) }
        asciiTexts = bytes.allSatisfy { $0.allSatisfy { $0 < 0x80 } } ? bytes : nil
        var firstBytes = [Bool](repeating: false, count: 256)
        for text in bytes { if let first = text.first { firstBytes[Int(first)] = true } }
        self.firstBytes = firstBytes
        matchesEmpty = texts.contains("")
    }

    /// True when `cell` is one of the texts.
    func matches(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        guard cell.count <= longest else { return false }
        guard let asciiTexts, cell.allSatisfy({ $0 < 0x80 }) else {
            return texts.contains(String(decoding: cell, as: UTF8.self))
        }
        guard let first = cell.first else { return matchesEmpty }
        guard firstBytes[Int(first)] else { return false }
        return asciiTexts.contains { $0.count == cell.count && $0.elementsEqual(cell) }
    }
}
