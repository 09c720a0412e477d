import Foundation
import Testing

@testable import Parquet

/// The golden files of apache/parquet-testing, kept beside the project in `../shared/parquet-testing`
/// (or where `PARQUET_TESTING` points).
enum GoldenFiles {
    static var root: String? {
        if let path = ProcessInfo.processInfo.environment["PARQUET_TESTING"] { return path }
        let here = URL(fileURLWithPath: #filePath)
        let candidate = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/parquet-testing").path
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }

    static func files(in folder: String) -> [String] {
        guard let root else { return [] }
        let directory = root + "/" + folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".parquet") }.sorted().map { directory + "/" + $0 }
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

@Suite("Parquet footers")
struct FooterTests {
    @Test(
        "alltypes_plain.parquet's footer: 8 rows, its 11 columns with their physical types",
        .enabled(if: GoldenFiles.root != nil, "../shared/parquet-testing is absent: golden-file tests skipped")
    )
    func alltypesPlain() throws {
        let file = try ParquetFile(bytes: GoldenFiles.bytes(GoldenFiles.root! + "/data/alltypes_plain.parquet"))
        #expect(file.metadata.rowCount == 8)
        let columns = try file.metadata.flatColumns()
        #expect(
            columns.map(\.name) == [
                "id", "bool_col", "tinyint_col", "smallint_col", "int_col", "bigint_col", "float_col", "double_col",
                "date_string_col", "string_col", "timestamp_col",
            ])
        #expect(
            columns.map(\.type) == [
                .int32, .boolean, .int32, .int32, .int32, .int64, .float, .double, .byteArray, .byteArray, .int96,
            ])
        #expect(file.metadata.rowGroups.count == 1)
        #expect(file.metadata.rowGroups[0].columns.map(\.valueCount) == Array(repeating: 8, count: 11))
    }

    @Test(
        "Every golden file's footer reads, or says clearly what is unsupported; none crashes",
        .enabled(if: GoldenFiles.root != nil, "../shared/parquet-testing is absent: golden-file tests skipped")
    )
    func everyFooter() throws {
        var read = 0
        for path in GoldenFiles.files(in: "data") + GoldenFiles.files(in: "bad_data") {
            do {
                let file = try ParquetFile(bytes: try GoldenFiles.bytes(path))
                #expect(!file.metadata.schema.isEmpty, "\(path)")
                #expect(file.metadata.rowGroups.reduce(0) { $0 + $1.rowCount } == file.metadata.rowCount, "\(path)")
                read += 1
            } catch let error as ParquetError {
                #expect(!error.message.isEmpty)
            }
        }
        #expect(read >= 45)
    }

    @Test("Truncated or damaged footers throw a ParquetError, never crash")
    func damaged() throws {
        guard let root = GoldenFiles.root else { return }
        let bytes = try GoldenFiles.bytes(root + "/data/alltypes_dictionary.parquet")
        var generator = SplitMix64(seed: 7)
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            #expect(throws: ParquetError.self) { try ParquetFile(bytes: Array(bytes.prefix(cut))) }
        }
        let end = bytes.count - 8
        let length = Int(bytes[end]) | Int(bytes[end + 1]) << 8
        for _ in 0..<2000 {
            var damaged = bytes
            let index = end - length + Int.random(in: 0..<length, using: &generator)
            damaged[index] = UInt8.random(in: 0...255, using: &generator)
            _ = try? ParquetFile(bytes: damaged)
        }
        #expect(throws: ParquetError.self) { try ParquetFile(bytes: Array("PAR1 not really PAR1".utf8)) }
        #expect {
            try ParquetFile(bytes: Array("PAR1".utf8) + Array(repeating: 0, count: 20) + Array("PARE".utf8))
        } throws: { ($0 as? ParquetError)?.kind == .unsupported }
    }
}

/// A seeded generator, so a failing mutation can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
