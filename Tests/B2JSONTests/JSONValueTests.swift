import B2JSON
import Foundation
import Testing

@Suite("JSON value")
struct JSONValueTests {
    @Test("Serialising is compact, keeps member order, writes explicit nulls and escapes like B2")
    func serialise() {
        let value: JSONValue = ["b": nil, "a": "q\"\\\u{01}\n\té/", "c": [1, false, .double(0.5)]]
        #expect(value.serialized() == #"{"b":null,"a":"q\"\\\u0001\n\té/","c":[1,false,0.5]}"#)
    }

    @Test("NaN and infinities serialise as null")
    func nonFiniteSerialise() {
        #expect(JSONValue.array([.double(.nan), .double(.infinity)]).serialized() == "[null,null]")
    }

    @Test("Equality compares object members in order")
    func equality() {
        #expect(JSONValue.object([("a", 1), ("b", 2)]) != .object([("b", 2), ("a", 1)]))
        #expect(JSONValue.int(1) != .double(1))
        #expect(JSONValue.optional(nil as String?) == .null && JSONValue.optional(Int64(3)) == .int(3))
    }

    @Test("object(omittingNils:) leaves out the keys without a value and keeps explicit nulls")
    func omittingNils() {
        let value = JSONValue.object(omittingNils: [("a", 1), ("b", nil), ("c", .null)])
        #expect(value.serialized() == #"{"a":1,"c":null}"#)
        #expect(JSONValue.strings(["x", "y"]) == ["x", "y"])
    }

    @Test("Codable: a value encodes as the JSON it stands for and decodes back")
    func codable() throws {
        let value: JSONValue = ["n": nil, "t": true, "i": -3, "d": .double(2.5), "s": "x/y", "a": [1, "two"]]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        #expect(String(decoding: data, as: UTF8.self) == #"{"a":[1,"two"],"d":2.5,"i":-3,"n":null,"s":"x/y","t":true}"#)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(decoded["a"] == [1, "two"])
        #expect(decoded["d"] == .double(2.5) && decoded["i"] == .int(-3) && decoded["t"] == true)
        #expect(decoded["n"] == .null && decoded["s"] == "x/y")
    }
}
