import B2JSON

/// The parameters of one B2 API call, from a JSON body or from the query string of a GET.
///
/// B2 clients send optional parameters as explicit `null`, so every getter treats `null` as absent. Each getter
/// names the parameter in its error, so a client learns exactly which field to fix.
struct CallParameters: Sendable {
    private let members: [(String, JSONValue)]
    /// True when values came from a query string, where every value is text.
    private let fromQuery: Bool

    init(json: JSONValue) throws {
        guard case .object(let members) = json else {
            throw B2APIError.badJSON("The request body must be a JSON object, not \(json.kindName)")
        }
        self.members = members
        self.fromQuery = false
    }

    init(query: [(String, String)]) {
        self.members = query.map { ($0.0, .string($0.1)) }
        self.fromQuery = true
    }

    private func value(_ name: String) -> JSONValue? {
        guard let value = members.first(where: { $0.0 == name })?.1, value != .null else { return nil }
        return value
    }

    func optionalString(_ name: String) throws -> String? {
        guard let value = value(name) else { return nil }
        guard case .string(let string) = value else { throw wrongType(name, "a string", value) }
        return string
    }

    func string(_ name: String) throws -> String {
        guard let string = try optionalString(name) else { throw missing(name) }
        return string
    }

    func optionalInt(_ name: String) throws -> Int64? {
        guard let value = value(name) else { return nil }
        switch value {
        case .int(let int): return int
        case .string(let text) where fromQuery:
            guard let int = Int64(text) else { throw wrongType(name, "an integer", value) }
            return int
        default: throw wrongType(name, "an integer", value)
        }
    }

    func int(_ name: String) throws -> Int64 {
        guard let int = try optionalInt(name) else { throw missing(name) }
        return int
    }

    func optionalBool(_ name: String) throws -> Bool? {
        guard let value = value(name) else { return nil }
        switch value {
        case .bool(let bool): return bool
        case .string("true") where fromQuery: return true
        case .string("false") where fromQuery: return false
        default: throw wrongType(name, "true or false", value)
        }
    }

    func optionalStringArray(_ name: String) throws -> [String]? {
        guard let value = value(name) else { return nil }
        if fromQuery, case .string(let text) = value {
            return text.split(separator: ",").map(String.init)
        }
        guard case .array(let items) = value else { throw wrongType(name, "an array of strings", value) }
        return try items.map { item in
            guard case .string(let string) = item else { throw wrongType(name, "an array of strings", value) }
            return string
        }
    }

    func optionalStringMap(_ name: String) throws -> [(String, String)]? {
        guard let value = value(name) else { return nil }
        guard case .object(let items) = value else { throw wrongType(name, "an object of string values", value) }
        return try items.map { key, item in
            guard case .string(let string) = item else {
                throw wrongType("\(name).\(key)", "a string", item)
            }
            return (key, string)
        }
    }

    func optionalRaw(_ name: String) -> JSONValue? { value(name) }

    private func missing(_ name: String) -> B2APIError {
        .badRequest("Required field \(name) is missing")
    }

    private func wrongType(_ name: String, _ expected: String, _ value: JSONValue) -> B2APIError {
        .badRequest("Field \(name) must be \(expected), not \(value.kindName)")
    }
}

extension JSONValue {
    /// The JSON type of this value, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
