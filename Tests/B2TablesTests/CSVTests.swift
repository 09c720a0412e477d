import B2Kit
import Testing

@testable import B2Tables

@Suite("CSV")
struct CSVTests {
    static func read(_ text: String, _ options: CSVReader.Options = .init()) throws -> Table {
        try CSVReader.read(Array(text.utf8), options: options)
    }

    static func strings(_ column: Column?) -> [String?] {
        guard let column else { return [] }
        return (0..<column.count).map { column[$0]?.description }
    }

    @Test("RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes; CRLF line ends")
    func quoting() throws {
        let table = try Self.read("a,b\r\n\"x,1\",\"he said \"\"hi\"\"\"\r\n\"multi\nline\",plain\r\n")
        #expect(table.columnNames == ["a", "b"])
        #expect(Self.strings(table[column: "a"]) == ["x,1", "multi\nline"])
        #expect(Self.strings(table[column: "b"]) == ["he said \"hi\"", "plain"])
    }

    @Test("A byte order mark is dropped; empty and repeated header names are named as pandas names them")
    func header() throws {
        let table = try Self.read("\u{FEFF}a,,a,a.1,a\n1,2,3,4,5\n")
        #expect(table.columnNames == ["a", "Unnamed: 1", "a.1", "a.1.1", "a.2"])
        #expect(table[column: "a"]?.type == .int64)
    }

    /// One difference from pandas: an integer beyond Int64 makes the column float64 (pandas has uint64).
    @Test("pandas' inference: int64; float64 when ints have NA; bool only without NA; text otherwise")
    func inference() throws {
        let table = try Self.read(
            """
            i,in,f,b,bn,s,empty,big
            1,1,1.5,True,true,x,,9223372036854775808
            -2,NA,2,FALSE,,y,NaN,1
            3,n/a,-1e3,false,False,3,null,2
            """
        )
        #expect(table.schema.map(\.type) == [.int64, .double, .double, .bool, .string, .string, .double, .double])
        #expect(Self.strings(table[column: "i"]) == ["1", "-2", "3"])
        #expect(Self.strings(table[column: "in"]) == ["1.0", nil, nil])
        #expect(Self.strings(table[column: "f"]) == ["1.5", "2.0", "-1000.0"])
        #expect(Self.strings(table[column: "b"]) == ["True", "False", "False"])
        #expect(Self.strings(table[column: "bn"]) == ["true", nil, "False"])
        #expect(table[column: "empty"]?.nullCount == 3)
    }

    @Test("Every one of pandas' 19 missing-value texts is missing; anything else is not")
    func missingValues() throws {
        #expect(CSVReader.Options.pandasMissingValues.count == 19)
        let cells = CSVReader.Options.pandasMissingValues.sorted().map { "\"\($0)\"" }
        let table = try Self.read("v\n" + cells.joined(separator: "\n") + "\n1\n")
        #expect(table[column: "v"]?.nullCount == 19)
        let other = try Self.read("v\nNone\nnone\nNULL\nNil\n")
        #expect(Self.strings(other[column: "v"]) == [nil, "none", nil, "Nil"])
    }

    @Test("Short rows are padded with missing values; a long row is an error naming its line; blank lines skip")
    func ragged() throws {
        let table = try Self.read("a,b,c\n1,2\n\n4,5,6\n")
        #expect(table.rowCount == 2)
        #expect(Self.strings(table[column: "c"]) == [nil, "6.0"])
        #expect {
            _ = try Self.read("a,b\n1,2\n\"x\ny\",2,3\n")
        } throws: { error in
            guard let error = error as? B2Error else { return false }
            return error.code == .malformedData && error.message.contains("line 3 has 3 fields")
        }
        #expect {
            _ = try Self.read("a\n\"open")
        } throws: { ($0 as? B2Error)?.message.contains("ends inside a quoted field") == true }
    }

    @Test("Read in chunks split anywhere, the table is the same as read whole")
    func chunking() throws {
        let text = Array("\u{FEFF}id,name,score\r\n1,\"Ada, L.\",9.5\r\n2,\"say \"\"hi\"\"\",\r\n3,\"a\nb\",7\r\n".utf8)
        let whole = try CSVReader.read(text)
        for split in 0...text.count {
            var reader = CSVReader()
            try reader.consume(text[..<split])
            try reader.consume(text[split...])
            #expect(try reader.finish() == whole, "split at \(split)")
        }
    }

    @Test("Many rows in random-sized chunks, and a copy of a reader taken mid-file, read as the whole file does")
    func randomChunksAndCopies() throws {
        var text = "id,name,note,score\n"
        for row in 0..<3000 {
            let name = row % 7 == 0 ? "\"Lovelace, Ada \(row)\"" : "n\(row)"
            let note = row % 11 == 0 ? "\"said \"\"hi\"\" \(String(repeating: "x", count: row % 40))\"" : ""
            text += "\(row),\(name),\(note),\(Double(row) / 4)\n"
        }
        let bytes = Array(text.utf8)
        let whole = try CSVReader.read(bytes)
        #expect(whole.rowCount == 3000)
        var seed: UInt64 = 7
        for _ in 0..<20 {
            var reader = CSVReader()
            var start = 0
            var copy: (reader: CSVReader, at: Int)?
            while start < bytes.count {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let end = min(bytes.count, start + 1 + Int(seed >> 33) % 300)
                try reader.consume(bytes[start..<end])
                if copy == nil, end > bytes.count / 2 { copy = (reader, end) }
                start = end
            }
            #expect(try reader.finish() == whole)
            // The copy goes on from where it was taken, on its own, while the original went on too.
            guard let (original, at) = copy else { continue }
            var copied = original
            try copied.consume(bytes[at...])
            #expect(try copied.finish() == whole)
        }
    }

    @Test("A size given up front (right, too small, too large) sizes the columns but never changes the table")
    func expectedSize() throws {
        var text = "id,name,score\n"
        for row in 0..<9000 { text += "\(row),\"customer \(row * 7919 % 100_003), \(row % 9)\",\(Double(row) / 8)\n" }
        let bytes = Array(text.utf8)
        #expect(bytes.count > 1 << 18)
        let whole = try CSVReader.read(bytes)
        for expected in [bytes.count, bytes.count / 3, bytes.count * 5, 0] {
            var decoder = try TableDecoder(options: .init(format: .csv))
            decoder.expect(byteCount: expected)
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + 65_536)
                try decoder.consume(bytes[start..<end])
                start = end
            }
            #expect(try decoder.finish() == whole, "expecting \(expected) bytes")
        }
    }

    @Test("A row limit stops reading: what follows is never parsed")
    func limit() throws {
        var reader = CSVReader(options: .init(limit: 2))
        try reader.consume(Array("a\n1\n2\n".utf8))
        #expect(reader.isSatisfied)
        // Malformed bytes after the limit are never looked at.
        try reader.consume(Array("3,4,5\n\"unclosed".utf8))
        let table = try reader.finish()
        #expect(Self.strings(table[column: "a"]) == ["1", "2"])
    }

    @Test("Dates only when asked: ISO dates and times become nanosecond timestamps, UTC when zoned")
    func dates() throws {
        let text = "d,t\n2024-05-01,2024-05-01T12:00:00Z\n2024-05-02,2024-05-01 14:30:00.5+02:00\n"
        let plain = try Self.read(text)
        #expect(plain[column: "d"]?.type == .string)
        let table = try Self.read(text, .init(parseDates: ["d", "t"]))
        #expect(table[column: "d"]?.type == .timestamp(.nanoseconds, timeZone: nil))
        #expect(table[column: "t"]?.type == .timestamp(.nanoseconds, timeZone: "UTC"))
        #expect(table[column: "d"]?[0] == .timestamp(1_714_521_600 * 1_000_000_000))
        #expect(table[column: "t"]?[1] == .timestamp(1_714_566_600 * 1_000_000_000 + 500_000_000))
        #expect(throws: B2Error.self) { try Self.read("d\nsoon\n", .init(parseDates: ["d"])) }
        #expect(throws: B2Error.self) { try Self.read("d\n2024-01-01\n", .init(parseDates: ["x"])) }
    }

    @Test("The writer quotes exactly when needed and round-trips through the reader")
    func writer() throws {
        let table = try Self.read(
            "name,n,x,ok,note\n\"a,b\",1,1.5,True,\"say \"\"hi\"\"\"\nplain,2,,False,\"two\nlines\"\n"
        )
        let text = String(decoding: CSVWriter().encode(table), as: UTF8.self)
        #expect(text == "name,n,x,ok,note\n\"a,b\",1,1.5,True,\"say \"\"hi\"\"\"\nplain,2,,False,\"two\nlines\"\n")
        #expect(try Self.read(text) == table)
        let semicolons = String(decoding: CSVWriter(delimiter: UInt8(ascii: ";")).encode(table), as: UTF8.self)
        #expect(semicolons.hasPrefix("name;n;x;ok;note\na,b;1;1.5;True;"))
        #expect(try Self.read(semicolons, .init(delimiter: UInt8(ascii: ";"))) == table)
    }

    @Test("The printer aligns like pandas: index left, columns right, floats to common decimals, NaN")
    func printer() throws {
        let table = try Self.read("region,units,revenue,ok\nnorth,120,3480.5,True\nsouth-east,95,,False\n")
        let expected = [
            "       region  units  revenue     ok",
            "0       north    120   3480.5   True",
            "1  south-east     95      NaN  False",
        ].joined(separator: "\n")
        #expect(table.description == expected)
        #expect(table.head(1).rowCount == 1)
        #expect(try table.selecting(["ok", "region"]).columnNames == ["ok", "region"])
        #expect {
            _ = try table.selecting(["nope"])
        } throws: { ($0 as? B2Error)?.message.contains("region, units, revenue, ok") == true }
    }
}
