/// The pieces of a canonical request, one function per part of the specification.
enum SigV4Canonical {
    /// Headers that are never signed: proxies and HTTP clients add, drop or rewrite them.
    static let unsignableHeaders: Set<String> = ["user-agent", "expect", "transfer-encoding", "x-amzn-trace-id"]

    /// Encodes each decoded name and value, sorts by encoded name then value, joins with `&`.
    static func query(_ items: [(String, String)]) -> String {
        encodedQuery(items.map { (PercentEncoding.sigV4.encode($0.0), PercentEncoding.sigV4.encode($0.1)) })
    }

    /// Sorts already-encoded pairs by name then value and joins them.
    static func encodedQuery(_ pairs: [(String, String)]) -> String {
        pairs.sorted { lhs, rhs in
            lhs.0 != rhs.0
                ? Array(lhs.0.utf8).lexicographicallyPrecedes(rhs.0.utf8)
                : Array(lhs.1.utf8).lexicographicallyPrecedes(rhs.1.utf8)
        }
        .map { "\($0.0)=\($0.1)" }
        .joined(separator: "&")
    }

    /// Lower-cases names, trims values and collapses runs of spaces, joins repeated headers with `,`, and sorts.
    /// - Returns: The canonical header block (each line ending in a newline) and the signed-headers list.
    static func headers(_ headers: [SigV4Request.Header]) -> (String, String) {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased()
            guard !unsignableHeaders.contains(name) else { continue }
            if values[name] == nil { order.append(name) }
            values[name, default: []].append(normalizeValue(header.value))
        }
        let sorted = order.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
        let block = sorted.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (block, sorted.joined(separator: ";"))
    }

    /// The canonical block for exactly the listed names, in the listed order (a server rebuilding what a client
    /// signed); a listed header the request lacks is present with an empty value.
    static func headerBlock(_ headers: [SigV4Request.Header], names: [String]) -> String {
        var values: [String: [String]] = [:]
        for header in headers {
            values[header.name.lowercased(), default: []].append(normalizeValue(header.value))
        }
        return names.map { "\($0):\(values[$0]?.joined(separator: ",") ?? "")\n" }.joined()
    }

    /// Trims leading and trailing whitespace and turns each run of inner whitespace into one space.
    static func normalizeValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .joined(separator: " ")
    }

    /// Joins the six parts of a canonical request.
    static func request(
        method: String, encodedPath: String, encodedQuery: String, canonicalHeaders: String, signedHeaders: String,
        payloadHash: String
    ) -> String {
        [method, encodedPath, encodedQuery, canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
    }
}
