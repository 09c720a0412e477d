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

@Suite("Parquet files on disk")
struct ParquetFileTests {
    @Test(
        "A file on disk is mapped and reads equal to its bytes; missing, a folder, empty or not Parquet are clear errors"
    )
    func mapped() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-mapped-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let table = ParquetWritingTests.sample(rows: 300)
        let bytes = try table.parquetBytes(rowGroupRows: 128)
        let path = folder + "/t.parquet"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        #expect(try Table(parquetFileAt: path) == table)
        #expect(try Table(parquetFileAt: path, limit: 7) == Table(parquet: bytes, limit: 7))
        func code(_ path: String) -> B2Error.Code? {
            do {
                _ = try Table(parquetFileAt: path)
                return nil
            } catch {
                return (error as? B2Error)?.code
            }
        }
        #expect(code(folder + "/missing.parquet") == .localFile)
        #expect(code(folder) == .localFile)
        let empty = folder + "/empty.parquet"
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(code(empty) == .malformedData)
        let text = folder + "/text.parquet"
        #expect(FileManager.default.createFile(atPath: text, contents: Data("not parquet at all".utf8)))
        #expect(code(text) == .malformedData)
    }
}

@Suite("Parquet writing")
struct ParquetWritingTests {
    static func sample(rows: Int) -> Table {
        var ids = ColumnBuilder(name: "id", type: .int64)
        var names = ColumnBuilder(name: "name", type: .string)
        var scores = ColumnBuilder(name: "score", type: .double)
        var flags = ColumnBuilder(name: "ok", type: .bool)
        var days = ColumnBuilder(name: "day", type: .date)
        var times = ColumnBuilder(name: "at", type: .timestamp(.microseconds, timeZone: "UTC"))
        var money = ColumnBuilder(name: "price", type: .decimal(precision: 10, scale: 2))
        var wide = ColumnBuilder(name: "wide", type: .decimal(precision: 30, scale: 4))
        for row in 0..<rows {
            ids.append(Int64(row) * 7 - 3)
            if row % 5 == 3 { names.appendNull() } else { names.append("name \(row) é,\"q\"") }
            if row % 4 == 1 { scores.appendNull() } else { scores.append(Double(row) / 3) }
            if row % 6 == 5 { flags.appendNull() } else { flags.append(row % 2 == 0) }
            days.append(Int64(19_000 + row))
            times.append(Int64(1_700_000_000_000_000) + Int64(row) * 1_234_567)
            money.append(decimal: Int128(row * 199 - 500))
            wide.append(decimal: Int128(row) * 10_000_000_000_000_000 - 7)
        }
        return Table(unchecked: [ids, names, scores, flags, days, times, money, wide].map { $0.build() })
    }

    @Test("What the writer writes, the reader reads back equal: nulls, dates, zoned times, decimals, row groups")
    func roundTrip() throws {
        for (rows, groupRows) in [(0, 10), (1, 10), (37, 10), (1000, 1_000_000)] {
            let table = Self.sample(rows: rows)
            let bytes = try table.parquetBytes(rowGroupRows: groupRows)
            #expect(Array(bytes.prefix(4)) == Array("PAR1".utf8))
            #expect(try Table(parquet: bytes) == table, "\(rows) rows")
        }
    }
}
