/// The Jinja templates of a Mage io_config.yaml that b2kit understands: `{{ env_var('NAME') }}` and
/// `{{ env_var('NAME', 'default') }}`, with either quote and any spacing.
///
/// Templates are lifted out of the text before it is parsed as YAML, leaving a placeholder of plain letters in
/// their place. So a template works quoted or not (as in Mage, which renders before parsing), a value brought in
/// by a template can never change the YAML's structure, and YAML errors never quote an interpolated secret.
struct EnvVarTemplate: Sendable {
    /// One `{{ ... }}` as written, without the braces.
    let source: String

    /// What a template or a value built from templates renders to.
    enum Rendered: Equatable, Sendable {
        /// A value.
        case value(String)
        /// Nothing: an unset or empty variable. The reason names the variable, never a value.
        case absent(reason: String)
    }

    private static let placeholderStart = "__B2KIT_TEMPLATE_"
    private static let placeholderEnd = "__"

    /// Replaces each `{{ ... }}` in `text` by a placeholder.
    ///
    /// - Parameter text: the file's text.
    /// - Returns: the text with placeholders, and the templates in placeholder order.
    static func liftTemplates(from text: String) -> (text: String, templates: [EnvVarTemplate]) {
        var output = ""
        var templates: [EnvVarTemplate] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            output += rest[..<open.lowerBound]
            output += "\(placeholderStart)\(templates.count)\(placeholderEnd)"
            templates.append(EnvVarTemplate(source: String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        output += rest
        return (output, templates)
    }

    /// Renders a value that may contain placeholders.
    ///
    /// - Parameters:
    ///   - value: the YAML value, with placeholders.
    ///   - templates: the templates the placeholders stand for.
    ///   - environment: the variables `env_var` reads.
    /// - Returns: the value, or `.absent` when it is empty or any template in it renders empty or unset.
    /// - Throws: ``Unsupported`` naming the function of a template b2kit cannot evaluate.
    static func render(
        _ value: String,
        templates: [EnvVarTemplate],
        environment: [String: String]
    ) throws(Unsupported) -> Rendered {
        var output = ""
        var rest = Substring(value)
        while let start = rest.range(of: placeholderStart) {
            let digits = rest[start.upperBound...].prefix(while: \.isASCIIDigit)
            guard let index = Int(digits), index < templates.count,
                rest[digits.endIndex...].hasPrefix(placeholderEnd)
            else {
                output += rest[..<start.upperBound]
                rest = rest[start.upperBound...]
                continue
            }
            output += rest[..<start.lowerBound]
            switch try templates[index].evaluate(environment: environment) {
            case .value(let text): output += text
            case .absent(let reason): return .absent(reason: reason)
            }
            rest = rest[rest.index(digits.endIndex, offsetBy: placeholderEnd.count)...]
        }
        output += rest
        let trimmed = output.trimmingWhitespace
        return trimmed.isEmpty ? .absent(reason: "it is empty") : .value(trimmed)
    }

    /// A template b2kit cannot evaluate, such as `{{ mage_secret_var('key') }}`.
    struct Unsupported: Error, Sendable {
        /// The function it calls, when it is one of Mage's; never anything else the template says.
        let function: String?
    }

    /// Mage's template functions, the only words of a template messages repeat.
    private static let knownFunctions: Set<String> = [
        "env_var", "mage_secret_var", "aws_secret_var", "azure_secret_var", "gcp_secret_var", "json_value",
        "variables",
    ]

    /// Evaluates `env_var('NAME')` or `env_var('NAME', 'default')` as Mage does (`os.getenv`): the default
    /// applies only when the variable is unset.
    func evaluate(environment: [String: String]) throws(Unsupported) -> Rendered {
        var scanner = Scanner(source)
        guard scanner.identifier() == "env_var", scanner.take("("), let name = scanner.stringLiteral() else {
            var again = Scanner(source)
            let function = again.identifier()
            throw Unsupported(function: function.flatMap { Self.knownFunctions.contains($0) ? $0 : nil })
        }
        var fallback: String?
        if scanner.take(",") {
            guard let literal = scanner.stringLiteral() else { throw Unsupported(function: "env_var") }
            fallback = literal
        }
        guard scanner.take(")"), scanner.atEnd else { throw Unsupported(function: "env_var") }
        guard let text = environment[name] ?? fallback else {
            return .absent(reason: "env_var('\(name)') is unset")
        }
        let trimmed = text.trimmingWhitespace
        if trimmed.isEmpty {
            return .absent(
                reason: environment[name] == nil ? "the default of env_var('\(name)') is empty" : "\(name) is empty")
        }
        return .value(trimmed)
    }

    /// Reads the tokens of one template, skipping spaces.
    private struct Scanner {
        var rest: Substring

        init(_ text: String) { rest = Substring(text) }

        var atEnd: Bool {
            mutating get {
                skipSpaces()
                return rest.isEmpty
            }
        }

        mutating func skipSpaces() {
            rest = rest.drop(while: { $0.isWhitespace || $0.isNewline })
        }

        mutating func take(_ token: Character) -> Bool {
            skipSpaces()
            guard rest.first == token else { return false }
            rest = rest.dropFirst()
            return true
        }

        mutating func identifier() -> String? {
            skipSpaces()
            let name = rest.prefix(while: { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
            guard let first = name.first, !first.isNumber else { return nil }
            rest = rest[name.endIndex...]
            return String(name)
        }

        mutating func stringLiteral() -> String? {
            skipSpaces()
            guard let quote = rest.first, quote == "'" || quote == "\"" else { return nil }
            let body = rest.dropFirst()
            guard let end = body.firstIndex(of: quote) else { return nil }
            rest = body[body.index(after: end)...]
            return String(body[..<end])
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
