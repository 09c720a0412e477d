import B2JSON

/// One of a bucket's CORS rules, as B2 takes them in `corsRules` on `b2_create_bucket` and `b2_update_bucket`:
/// which origins may call which operations, with which request headers, seeing which response headers, and how
/// long a browser may keep the answer to its preflight.
struct CorsRule: Sendable, Equatable {
    /// The largest number of rules a bucket may have.
    static let maximumRules = 100
    /// The operations a rule may allow.
    static let operations: Set<String> = [
        "b2_download_file_by_name", "b2_download_file_by_id", "b2_upload_file", "b2_upload_part",
        "s3_delete", "s3_get", "s3_head", "s3_post", "s3_put",
    ]

    var name: String
    var allowedOrigins: [String]
    var allowedOperations: [String]
    var allowedHeaders: [String]
    var exposeHeaders: [String]
    var maxAgeSeconds: Int64

    /// Validates `corsRules` as B2 does: at most 100 rules with unique names of 6 to 50 letters, digits and '-'
    /// (not starting `b2-`), at least one origin and one known operation each, and a `maxAgeSeconds` of 0 to 86400.
    static func rules(_ value: JSONValue) throws -> [CorsRule] {
        guard case .array(let items) = value else { throw B2APIError.badRequest("corsRules must be an array of rules") }
        guard items.count <= maximumRules else {
            throw B2APIError.badRequest("corsRules has \(items.count) rules; a bucket may have \(maximumRules)")
        }
        var names = Set<String>()
        return try items.map { item in
            let rule = try rule(item)
            guard names.insert(rule.name).inserted else {
                throw B2APIError.badRequest("Two CORS rules are named \(rule.name): names must be unique")
            }
            return rule
        }
    }

    /// The rules stored in a bucket row (text this type rendered).
    static func rules(stored text: String) -> [CorsRule] {
        (try? rules(Rendering.jsonText(text))) ?? []
    }

    /// The rules as B2 answers them.
    static func render(_ rules: [CorsRule]) -> JSONValue {
        .array(
            rules.map { rule in
                [
                    "allowedHeaders": .array(rule.allowedHeaders.map(JSONValue.string)),
                    "allowedOperations": .array(rule.allowedOperations.map(JSONValue.string)),
                    "allowedOrigins": .array(rule.allowedOrigins.map(JSONValue.string)),
                    "corsRuleName": .string(rule.name),
                    "exposeHeaders": .array(rule.exposeHeaders.map(JSONValue.string)),
                    "maxAgeSeconds": .int(rule.maxAgeSeconds),
                ]
            })
    }

    private static func rule(_ item: JSONValue) throws -> CorsRule {
        guard case .object = item else { throw B2APIError.badRequest("Each CORS rule must be an object") }
        guard case .string(let name)? = item["corsRuleName"], (6...50).contains(name.count),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }), !name.hasPrefix("b2-")
        else {
            throw B2APIError.badRequest(
                "corsRuleName must be 6 to 50 letters, digits and '-', not starting with b2-")
        }
        func strings(_ field: String, required: Bool) throws -> [String] {
            switch item[field] {
            case .none, .null?:
                if required { throw B2APIError.badRequest("CORS rule \(name) needs \(field), a non-empty array") }
                return []
            case .array(let values)?:
                let texts = values.compactMap { value -> String? in
                    if case .string(let text) = value { text } else { nil }
                }
                guard texts.count == values.count, !(required && texts.isEmpty) else {
                    throw B2APIError.badRequest("CORS rule \(name): \(field) must be a non-empty array of strings")
                }
                return texts
            default:
                throw B2APIError.badRequest("CORS rule \(name): \(field) must be an array of strings")
            }
        }
        let origins = try strings("allowedOrigins", required: true)
        for origin in origins where origin != "*" {
            guard origin.hasPrefix("https://") || origin.hasPrefix("http://"),
                origin.filter({ $0 == "*" }).count <= 1
            else {
                throw B2APIError.badRequest(
                    "CORS rule \(name): origin \(origin) must be *, or https:// or http:// and a host (one * at most)")
            }
        }
        let operations = try strings("allowedOperations", required: true)
        for operation in operations where !Self.operations.contains(operation) {
            throw B2APIError.badRequest(
                "CORS rule \(name): \(operation) is not an operation; use "
                    + Self.operations.sorted().joined(separator: ", "))
        }
        guard case .int(let maxAge)? = item["maxAgeSeconds"], (0...86_400).contains(maxAge) else {
            throw B2APIError.badRequest("CORS rule \(name) needs maxAgeSeconds from 0 to 86400")
        }
        return CorsRule(
            name: name, allowedOrigins: origins, allowedOperations: operations,
            allowedHeaders: try strings("allowedHeaders", required: false),
            exposeHeaders: try strings("exposeHeaders", required: false), maxAgeSeconds: maxAge)
    }

    /// True when `origin` is one the rule allows (`*`, equal, or matching its one `*`).
    func allows(origin: String) -> Bool {
        allowedOrigins.contains { pattern in
            if pattern == "*" || pattern == origin { return true }
            guard let star = pattern.firstIndex(of: "*") else { return false }
            let head = pattern[..<star]
            let tail = pattern[pattern.index(after: star)...]
            return origin.count >= head.count + tail.count && origin.hasPrefix(head) && origin.hasSuffix(tail)
        }
    }

    /// True when every header a preflight asks for is one the rule allows (`*`, a name, or a prefix ending `*`).
    func allows(headers: [String]) -> Bool {
        headers.allSatisfy { header in
            allowedHeaders.contains { pattern in
                let pattern = pattern.lowercased()
                if pattern == "*" || pattern == header { return true }
                return pattern.hasSuffix("*") && header.hasPrefix(pattern.dropLast())
            }
        }
    }
}
