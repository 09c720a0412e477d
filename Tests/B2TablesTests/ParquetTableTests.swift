import B2Kit
import Foundation
import Testing

@testable import B2Tables

@Suite("Parquet tables")
struct ParquetTableTests {
    static var golden: String? {
        let here = URL(fileURLWithPath: #filePath)
        let path = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/parquet-testing/data").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static func table(_ name: String, limit: Int? = nil) throws -> Table {
        try Table(parquet: Array(try Data(contentsOf: URL(fileURLWithPath: golden! + "/" + name))), limit: limit)
    }

    @Test(
        "A Parquet file becomes a typed table: ints, floats through their shortest decimal, INT96 timestamps",
        .enabled(if: golden != nil, "../shared/parquet-testing is absent: golden-file tests skipped")
    )
    func alltypes() throws {
        let table = try Self.table("alltypes_plain.snappy.parquet")
        #expect(table.rowCount == 2)
        #expect(table[column: "id"]?.type == .int64)
        #expect(table[column: "float_col"]?[1] == .double(1.1))
        #expect(table[column: "timestamp_col"]?.type == .timestamp(.nanoseconds, timeZone: nil))
        #expect(table[column: "string_col"]?[0] == .binary(Array("0".utf8)))
        #expect(
            String(decoding: CSVWriter().encode(table), as: UTF8.self).contains(
                "\n7,False,1,1,1,10,1.1,10.1,04/01/09,1,2009-04-01 00:01:00\n"))
        #expect(try Self.table("alltypes_plain.parquet", limit: 3).rowCount == 3)
    }

    @Test(
        "Unsupported and corrupt files are B2Errors that say what is wrong",
        .enabled(if: golden != nil, "../shared/parquet-testing is absent: golden-file tests skipped")
    )
    func errors() throws {
        #expect {
            _ = try Self.table("nulls.snappy.parquet")
        } throws: { ($0 as? B2Error)?.code == .usage && ($0 as? B2Error)?.message.contains("nested") == true }
        #expect {
            _ = try Table(parquet: Array("PAR1 definitely not parquet PAR1".utf8))
        } throws: { ($0 as? B2Error)?.code == .malformedData }
    }
}
