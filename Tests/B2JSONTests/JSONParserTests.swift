import B2JSON
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    static func parse(_ text: String, _ options: JSONParser.Options = .init()) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8), options: options)
    }

    @Test("Every kind of value parses, object members in the order written")
    func values() throws {
        let value = try Self.parse(#" {"z": null, "a": [true, false, -12, 1.5e2, "\u00e9\n\/\ud83d\ude00"]} "#)
        #expect(value == ["z": nil, "a": [true, false, -12, .double(150), "é\n/😀"]])
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.0) == ["z", "a"])
        #expect(value["a"] != nil && value["missing"] == nil)
    }

    @Test("Integers that fit Int64 are .int; larger ones and fractions are .double")
    func numbers() throws {
        #expect(try Self.parse("9223372036854775807") == .int(.max))
        #expect(try Self.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try Self.parse("-0.25") == .double(-0.25))
    }

    @Test(
        "Syntax errors give the byte offset, the line and the reason",
        arguments: [
            ("{", 1, 1, "expected a key"),
            ("{\"a\":}", 5, 1, "unexpected character '}'"),
            ("[1,]", 3, 1, "unexpected character ']'"),
            ("{\"a\":1}x", 7, 1, "text after the end of the JSON value"),
            ("nul", 0, 1, "unexpected character 'n'"),
            ("\"\\q\"", 3, 1, "an unknown escape"),
            ("[\n\"a\u{01}\"]", 5, 2, "a control character inside a string (escape it)"),
            ("[\"\\ud800\"]", 8, 1, "a lone surrogate"),
            ("", 0, 1, "the text ends where a value should be"),
            ("[1 2]", 3, 1, "expected ',' or ']'"),
        ]
    )
    func syntaxErrors(text: String, offset: Int, line: Int, reason: String) {
        #expect(throws: JSONSyntaxError(offset: offset, line: line, reason: reason)) { try Self.parse(text) }
    }

    @Test("The error's description names the byte and the line")
    func description() {
        let error = JSONSyntaxError(offset: 7, line: 2, reason: "expected ':'")
        #expect(error.description == "Invalid JSON at byte 7 (line 2): expected ':'")
    }

    @Test("NaN, Infinity and overflowing numbers are refused by default")
    func nonFiniteRefused() {
        for text in ["NaN", "Infinity", "-Infinity", "[1e999]"] {
            #expect(throws: JSONSyntaxError.self) { try Self.parse(text) }
        }
        #expect(throws: JSONSyntaxError(offset: 6, line: 1, reason: "'1e999' is not a number")) {
            try Self.parse("[1e999]")
        }
    }

    @Test("With allowsNonFiniteNumbers, NaN, Infinity and overflowing numbers are non-finite doubles")
    func nonFiniteAllowed() throws {
        let options = JSONParser.Options(allowsNonFiniteNumbers: true)
        guard case .array(let values) = try Self.parse("[NaN, Infinity, -Infinity, 1e999, -1e999]", options) else {
            Issue.record("not an array")
            return
        }
        let doubles = values.map { value -> Double in
            guard case .double(let number) = value else { return 0 }
            return number
        }
        #expect(doubles[0].isNaN)
        #expect(Array(doubles.dropFirst()) == [Double.infinity, -.infinity, .infinity, -.infinity])
        #expect(throws: JSONSyntaxError.self) { try Self.parse("Nan", options) }
    }

    @Test("Nesting deeper than maximumDepth is an error")
    func depth() throws {
        let options = JSONParser.Options(maximumDepth: 3)
        #expect(try Self.parse("[[[1]]]", options) == [[[1]]])
        #expect(throws: JSONSyntaxError(offset: 3, line: 1, reason: "nested more than 3 levels deep")) {
            try Self.parse("[[[[1]]]]", options)
        }
        #expect(throws: JSONSyntaxError.self) { try Self.parse(String(repeating: "[", count: 600)) }
    }

    @Test("A repeated key replaces the earlier member in its place, or both stay with keepsDuplicateKeys")
    func duplicateKeys() throws {
        #expect(try Self.parse(#"{"a": 1, "b": 2, "a": 3}"#) == ["a": 3, "b": 2])
        #expect(
            try Self.parse(#"{"a": 1, "b": 2, "a": 3}"#, .init(keepsDuplicateKeys: true)) == ["a": 1, "b": 2, "a": 3])
    }

    @Test("isBlank is true for whitespace only")
    func blank() {
        #expect(JSONParser.isBlank(Array(" \t\r\n".utf8)))
        #expect(JSONParser.isBlank([]))
        #expect(!JSONParser.isBlank(Array(" {}".utf8)))
    }
}
