import B2Kit
import Testing

@testable import B2Tables

@Suite("JSON tables")
struct JSONTests {
    static func read(_ text: String, layout: JSONTableReader.Layout = .auto, path: String? = nil, limit: Int? = nil)
        throws -> Table
    {
        try JSONTableReader.read(Array(text.utf8), layout: layout, recordsPath: path, limit: limit)
    }

    static func strings(_ column: Column?) -> [String?] {
        guard let column else { return [] }
        return (0..<column.count).map { column[$0]?.description }
    }

    @Test("Records, JSON Lines and pandas' columns orient read to the same table, columns in key order")
    func layouts() throws {
        let records = try Self.read(#"[{"id":1,"name":"Ada","score":9.5},{"id":2,"name":"Grace","score":null}]"#)
        let lines = try Self.read(
            "{\"id\":1,\"name\":\"Ada\",\"score\":9.5}\n\n{\"id\":2,\"name\":\"Grace\",\"score\":null}\n",
            layout: .lines
        )
        let columns = try Self.read(
            #"{"id":{"0":1,"1":2},"name":{"0":"Ada","1":"Grace"},"score":{"0":9.5,"1":null}}"#
        )
        #expect(records.columnNames == ["id", "name", "score"])
        #expect(records.schema.map(\.type) == [.int64, .string, .double])
        #expect(lines == records)
        #expect(columns == records)
    }

    @Test("An envelope is opened by a records path; without one the error says how")
    func envelope() throws {
        let text = #"{"meta":{"n":2},"result":{"items":[{"a":1},{"a":2,"b":"x"}]}}"#
        let table = try Self.read(text, path: "result.items")
        #expect(table.columnNames == ["a", "b"])
        #expect(Self.strings(table[column: "b"]) == [nil, "x"])
        #expect {
            _ = try Self.read(#"{"data":[{"a":1}]}"#)
        } throws: { ($0 as? B2Error)?.message.contains("--records-path data") == true }
        #expect {
            _ = try Self.read(text, path: "result.rows")
        } throws: { ($0 as? B2Error)?.message.contains("no 'rows'") == true }
    }

    @Test("Types as pandas gives them: ints with nulls are floats, bools with nulls and mixed values are text")
    func types() throws {
        let table = try Self.read(
            #"[{"i":1,"in":1,"f":1,"b":true,"bn":true,"m":1,"n":{"x":[1,2]},"z":null},"#
                + #"{"i":2,"in":null,"f":2.5,"b":false,"bn":null,"m":"one","n":[true],"z":null}]"#
        )
        #expect(table.schema.map(\.type) == [.int64, .double, .double, .bool, .string, .string, .string, .double])
        #expect(Self.strings(table[column: "bn"]) == ["true", nil])
        #expect(Self.strings(table[column: "n"]) == [#"{"x":[1,2]}"#, "[true]"])
    }

    @Test("Malformed JSON is an error naming the byte and line; a row that is not an object too")
    func malformed() throws {
        #expect {
            _ = try Self.read("[{\"a\":1},\n{\"a\":}]")
        } throws: { ($0 as? B2Error)?.message.contains("line 2") == true }
        #expect {
            _ = try Self.read("{\"a\":1}\n{oops}\n", layout: .lines)
        } throws: { ($0 as? B2Error)?.message.contains("JSON Lines line 2") == true }
        #expect {
            _ = try Self.read("[1, 2]")
        } throws: { ($0 as? B2Error)?.message.contains("Row 0 of the JSON is not an object") == true }
        #expect(throws: B2Error.self) { try Self.read(String(repeating: "[", count: 600)) }
        #expect(throws: B2Error.self) { try Self.read("[{\"a\":\"\\ud800\"}]") }
    }

    @Test("A limit keeps the first rows")
    func limit() throws {
        let lines = String(repeating: "{\"a\":1}\n", count: 10) + "{broken"
        #expect(try Self.read(lines, layout: .lines, limit: 3).rowCount == 3)
        #expect(try Self.read("[{\"a\":1},{\"a\":2},{\"a\":3}]", limit: 2).rowCount == 2)
    }

    @Test("The writer's records and lines read back to the same table, with escapes and nulls")
    func writer() throws {
        let table = try Self.read(
            #"[{"id":1,"text":"a \"quote\"\nand\ttab","x":0.1,"ok":true},{"id":2,"text":"é","x":null,"ok":false}]"#
        )
        let records = JSONTableWriter().encode(table)
        #expect(String(decoding: records, as: UTF8.self).hasPrefix(#"[{"id":1,"text":"a \"quote\"\nand\ttab","x":0.1"#))
        #expect(try JSONTableReader.read(records) == table)
        let lines = JSONTableWriter(lines: true).encode(table)
        #expect(String(decoding: lines, as: UTF8.self).split(separator: "\n").count == 2)
        #expect(try JSONTableReader.read(lines, layout: .lines) == table)
    }
}
