import Testing

@testable import Parquet

@Suite("Parquet writer pages")
struct WriterPageTests {
    /// Columns of `rows` rows: a dictionary-sized int column, strings too many to share a dictionary, doubles
    /// with NaN, and strings from a small set; the last three with nulls.
    static func columns(rows: Int) -> [ParquetWriter.ColumnInput] {
        func element(_ name: String, _ type: PhysicalType) -> SchemaElement {
            var element = SchemaElement(name: name)
            element.type = type
            return element
        }
        var offsets = [0]
        var bytes: [UInt8] = []
        var colours = [0]
        var colourBytes: [UInt8] = []
        for row in 0..<rows {
            bytes += Array("customer-\(row * 7919 % 1_000_003)".utf8)
            offsets.append(bytes.count)
            colourBytes += Array(["red", "green", "blue", ""][row % 4].utf8)
            colours.append(colourBytes.count)
        }
        return [
            .init(element: element("small", .int64), values: .int64s((0..<rows).map { Int64($0 % 37) }), valid: nil),
            .init(
                element: element("name", .byteArray), values: .byteArrays(offsets: offsets, bytes: bytes),
                valid: (0..<rows).map { $0 % 11 != 3 }),
            .init(
                element: element("score", .double),
                values: .doubles((0..<rows).map { $0 % 13 == 0 ? .nan : Double($0) / 8 }),
                valid: (0..<rows).map { $0 % 5 != 1 }),
            .init(
                element: element("colour", .byteArray), values: .byteArrays(offsets: colours, bytes: colourBytes),
                valid: (0..<rows).map { $0 % 3 != 2 }),
        ]
    }

    /// The data pages of a file, per column: (dictionary pages, data pages, encodings of the data pages).
    static func pages(_ file: ParquetFile) throws -> [(dictionaries: Int, data: Int, encodings: Set<Int32>)] {
        try (0..<file.metadata.rowGroups[0].columns.count).map { index in
            var counts = (dictionaries: 0, data: 0, encodings: Set<Int32>())
            for group in file.metadata.rowGroups {
                let chunk = group.columns[index]
                var position = Int(chunk.dictionaryPageOffset ?? chunk.dataPageOffset)
                let end = position + Int(chunk.compressedSize)
                while position < end {
                    let (header, start) = try file.withBytes { try PageHeader.read($0, at: position, end: end) }
                    if header.kind == .dictionary { counts.dictionaries += 1 } else { counts.data += 1 }
                    if header.kind == .data { counts.encodings.insert(header.encoding) }
                    position = start + Int(header.compressedSize)
                }
            }
            return counts
        }
    }

    @Test("A chunk is split into data pages of about the page size; dictionary and PLAIN pages read back equal")
    func pagesReadBack() throws {
        let rows = 5000
        let input = Self.columns(rows: rows)
        let writer = ParquetWriter(rowGroupRows: 2048, dictionaryLimitBytes: 4096, dataPageBytes: 700)
        let file = try ParquetFile(bytes: try writer.write(input))
        #expect(file.metadata.rowGroups.map(\.rowCount) == [2048, 2048, 904])
        let columns = try file.readColumns()
        for (written, read) in zip(input, columns) {
            #expect(read.element.name == written.element.name)
            #expect(read.valid == written.valid, "\(written.element.name)'s nulls")
            for row in 0..<rows where written.valid?[row] ?? true {
                let same: Bool =
                    switch (written.values, read.values) {
                    case (.int64s(let left), .int64s(let right)): left[row] == right[row]
                    case (.doubles(let left), .doubles(let right)):
                        left[row] == right[row] || (left[row].isNaN && right[row].isNaN)
                    case (.byteArrays(let leftOffsets, let left), .byteArrays(let rightOffsets, let right)):
                        left[leftOffsets[row]..<leftOffsets[row + 1]]
                            == right[rightOffsets[row]..<rightOffsets[row + 1]]
                    default: false
                    }
                guard same else {
                    Issue.record("\(written.element.name) row \(row) reads back different")
                    break
                }
            }
        }
        let pages = try Self.pages(file)
        // small: 37 values, a dictionary per row group and 6-bit indices, 933 to a page of 700 bytes.
        #expect(pages[0].dictionaries == 3 && pages[0].data == 3 + 3 + 1 && pages[0].encodings == [8])
        // name: too many distinct strings for 4 KiB, so PLAIN, about 35 rows a page.
        #expect(pages[1].dictionaries == 0 && pages[1].data > 100 && pages[1].encodings == [0])
        // score: PLAIN doubles, 87 rows a page.
        #expect(pages[2].dictionaries == 0 && pages[2].data == 24 + 24 + 11 && pages[2].encodings == [0])
        // colour: four values, 2-bit indices, one page per row group.
        #expect(pages[3].dictionaries == 3 && pages[3].data == 3 && pages[3].encodings == [8])
    }

    @Test("Each chunk's null count is its rows' nulls")
    func statistics() throws {
        let input = Self.columns(rows: 300)
        let file = try ParquetFile(bytes: try ParquetWriter(dictionaryLimitBytes: 0).write(input))
        let group = try #require(file.metadata.rowGroups.first)
        #expect(group.columns[0].nullCount == 0)
        #expect(group.columns[1].nullCount == Int64((0..<300).filter { $0 % 11 == 3 }.count))
        #expect(group.columns[2].nullCount == 60)
        let decoded = try file.readColumns()
        #expect(decoded.count == 4)
    }

    @Test("A PLAIN page of strings whose lengths run past its end is corrupt, not a crash")
    func plainLengthsPastTheEnd() throws {
        var element = SchemaElement(name: "name")
        element.type = .byteArray
        let values = ColumnValues.byteArrays(offsets: [0, 3, 6, 9], bytes: Array("abcdefghi".utf8))
        let writer = ParquetWriter(codec: .uncompressed, dictionaryLimitBytes: 0)
        var bytes = try writer.write([.init(element: element, values: values, valid: nil)])
        let file = try ParquetFile(bytes: bytes)
        let chunk = file.metadata.rowGroups[0].columns[0]
        let (header, start) = try file.withBytes {
            try PageHeader.read($0, at: Int(chunk.dataPageOffset), end: $0.count)
        }
        // The levels (a 4-byte length, then an RLE run of 2 bytes), then the first value's 4-byte length.
        let firstLength = start + 4 + 2
        #expect(bytes[firstLength] == 3 && Int(header.compressedSize) == 4 + 2 + 3 * 7)
        bytes[firstLength] = 0xF0
        #expect(throws: ParquetError.self) { try ParquetFile(bytes: bytes).readColumns() }
        bytes[firstLength] = 3
        #expect(try ParquetFile(bytes: bytes).readColumns().first?.values == values)
    }

    @Test("Columns read on several threads equal columns read on one; a corrupt column's error is the same")
    func threads() throws {
        let bytes = try ParquetWriter(rowGroupRows: 700, dataPageBytes: 900).write(Self.columns(rows: 3000))
        let file = try ParquetFile(bytes: bytes)
        let one = try file.readColumns(threads: 1)
        // Doubles by bit pattern: the score column holds NaN, which is not equal to itself.
        func comparable(_ columns: [ParquetColumn]) -> [ParquetColumn] {
            columns.map { column in
                guard case .doubles(let numbers) = column.values else { return column }
                return ParquetColumn(
                    element: column.element, values: .int64s(numbers.map { Int64(bitPattern: $0.bitPattern) }),
                    valid: column.valid)
            }
        }
        for threads in [2, 3, 8] { #expect(comparable(try file.readColumns(threads: threads)) == comparable(one)) }
        // Break the last column's first page header: both ways report it.
        var broken = bytes
        let chunk = file.metadata.rowGroups[0].columns[3]
        let at = Int(chunk.dictionaryPageOffset ?? chunk.dataPageOffset)
        for offset in 0..<4 { broken[at + offset] = 0xFF }
        let damaged = try ParquetFile(bytes: broken)
        var errors: [ParquetError] = []
        for threads in [1, 4] {
            do {
                _ = try damaged.readColumns(threads: threads)
                Issue.record("a damaged page header read without an error on \(threads) threads")
            } catch let error as ParquetError {
                errors.append(error)
            }
        }
        #expect(errors.count == 2 && errors[0] == errors[1])
    }
}
