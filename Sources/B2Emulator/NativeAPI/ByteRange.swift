/// A single `Range: bytes=...` request, resolved against an object's length.
enum ByteRange {
    /// - Returns: nil when there is no usable Range header (serve the whole object), or the inclusive range.
    /// - Throws: 416 `range_not_satisfiable` when the range lies outside the object.
    static func resolve(_ header: String?, length: Int64) throws -> ClosedRange<Int64>? {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        let unsatisfiable = B2APIError(
            .rangeNotSatisfiable, "range_not_satisfiable",
            "The Range \(header) is outside the file's \(length) bytes",
            headers: [.contentRange: "bytes */\(length)"]
        )
        if first.isEmpty {
            guard let suffix = Int64(last), suffix > 0 else { return nil }
            guard length > 0 else { throw unsatisfiable }
            return max(0, length - suffix)...(length - 1)
        }
        guard let start = Int64(first), start >= 0 else { return nil }
        let end: Int64
        if last.isEmpty {
            end = length - 1
        } else {
            guard let parsed = Int64(last), parsed >= start else { return nil }
            end = min(parsed, length - 1)
        }
        guard start < length else { throw unsatisfiable }
        return start...end
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}

extension Set where Element == Character {
    fileprivate static var whitespaces: Set<Character> { [" ", "\t"] }
}
