import Foundation
import Testing

@testable import Parquet

@Suite("Parquet columns")
struct ColumnReadingTests {
    static func columns(_ name: String) throws -> [String: ParquetColumn] {
        let file = try ParquetFile(bytes: GoldenFiles.bytes(GoldenFiles.root! + "/data/" + name))
        return Dictionary(uniqueKeysWithValues: try file.readColumns().map { ($0.element.name, $0) })
    }

    static func strings(_ values: ColumnValues?) -> [String] {
        guard case .byteArrays(let offsets, let bytes) = values else { return [] }
        return (0..<offsets.count - 1).map { String(decoding: bytes[offsets[$0]..<offsets[$0 + 1]], as: UTF8.self) }
    }

    @Test(
        "alltypes_plain (PLAIN), its Snappy twin and alltypes_dictionary (dictionary pages) read their values",
        .enabled(if: GoldenFiles.root != nil, "../shared/parquet-testing is absent: golden-file tests skipped")
    )
    func alltypes() throws {
        let plain = try Self.columns("alltypes_plain.parquet")
        #expect(plain["id"]?.values == .int32s([4, 5, 6, 7, 2, 3, 0, 1]))
        #expect(plain["bool_col"]?.values == .booleans([true, false, true, false, true, false, true, false]))
        #expect(plain["bigint_col"]?.values == .int64s([0, 10, 0, 10, 0, 10, 0, 10]))
        #expect(plain["double_col"]?.values == .doubles([0, 10.1, 0, 10.1, 0, 10.1, 0, 10.1]))
        #expect(Self.strings(plain["string_col"]?.values) == ["0", "1", "0", "1", "0", "1", "0", "1"])
        #expect(Self.strings(plain["date_string_col"]?.values).first == "03/01/09")
        // INT96 2009-03-01 00:00:00 as nanoseconds since 1970.
        guard case .int96s(let times) = plain["timestamp_col"]?.values else {
            Issue.record("timestamp_col is not INT96")
            return
        }
        #expect(times.first == Int64(1_235_865_600) * 1_000_000_000)
        let snappy = try Self.columns("alltypes_plain.snappy.parquet")
        #expect(snappy["id"]?.values == .int32s([6, 7]))
        #expect(Self.strings(snappy["string_col"]?.values) == ["0", "1"])
        let dictionary = try Self.columns("alltypes_dictionary.parquet")
        #expect(dictionary["id"]?.values == .int32s([0, 1]))
        #expect(Self.strings(dictionary["date_string_col"]?.values) == ["01/01/09", "01/01/09"])
    }

    @Test(
        "Optional columns with nulls: definition levels place the values; nulls are marked",
        .enabled(if: GoldenFiles.root != nil, "../shared/parquet-testing is absent: golden-file tests skipped")
    )
    func nulls() throws {
        let file = try ParquetFile(bytes: GoldenFiles.bytes(GoldenFiles.root! + "/data/int32_with_null_pages.parquet"))
        let column = try #require(try file.readColumns().first)
        #expect(column.values.count == Int(file.metadata.rowCount))
        let nulls = column.valid.map { $0.filter { !$0 }.count } ?? 0
        let expected = file.metadata.rowGroups.compactMap { $0.columns.first?.nullCount }.reduce(0, +)
        #expect(nulls == Int(expected))
        #expect(nulls > 0)
    }
}
