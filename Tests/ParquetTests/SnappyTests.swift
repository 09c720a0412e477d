import Testing

@testable import Parquet

@Suite("Snappy")
struct SnappyTests {
    /// A seeded generator, so a failure repeats.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    /// Inputs that reach every element kind: short and long literals (1- to 4-byte lengths), copies with offsets
    /// under 8 (overlapping), under 2 KiB, and up to 64 KiB, and the ends of the buffers.
    static func inputs() -> [[UInt8]] {
        var random = Seeded(state: 20_261_122)
        var inputs: [[UInt8]] = [[], [7], Array("abcdefg".utf8), Array(repeating: 0x61, count: 100_000)]
        inputs.append((0..<300_000).map { _ in UInt8.random(in: 0...255, using: &random) })
        inputs.append((0..<200_000).map { _ in UInt8.random(in: 0...3, using: &random) })
        for period in [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 2047, 40_000] {
            let unit = (0..<period).map { _ in UInt8.random(in: 0...255, using: &random) }
            var input: [UInt8] = []
            while input.count < 150_000 + period {
                input += unit
                if Bool.random(using: &random) {
                    input += (0..<Int.random(in: 0...300, using: &random)).map { _ in
                        UInt8.random(in: 0...255, using: &random)
                    }
                }
            }
            inputs.append(input)
        }
        // Parquet-like pages: strings that share prefixes, and little-endian integers.
        var page: [UInt8] = []
        for _ in 0..<20_000 { page += Array("customer-\(Int.random(in: 0..<5_000_000, using: &random))".utf8) }
        inputs.append(page)
        var numbers: [UInt8] = []
        for step in 0..<40_000 {
            let value = UInt64(step * 7 + Int.random(in: 0..<7, using: &random))
            numbers += (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        inputs.append(numbers)
        return inputs
    }

    @Test("What the compressor writes decompresses to the same bytes, for every kind of element")
    func roundTrip() throws {
        for input in Self.inputs() {
            let compressed = SnappyCompressor.compress(input)
            let restored = try Snappy.decompress(compressed[...])
            let same = restored == input  // not inside #expect, which would print both arrays
            #expect(same, "input of \(input.count) bytes")
            if input.count == 100_000 { #expect(compressed.count < 10_000, "a run of one byte compresses") }
        }
    }

    @Test("Corrupt input throws: cut short, a copy from before the start, a length that does not match")
    func corrupt() throws {
        let input = Array(repeating: Array("parquet-snappy".utf8), count: 200).flatMap { $0 }
        let compressed = SnappyCompressor.compress(input)
        for cut in [1, 2, compressed.count / 2, compressed.count - 1] {
            #expect(throws: ParquetError.self) { try Snappy.decompress(compressed.prefix(cut)) }
        }
        // Length 5, then a copy of 4 bytes from offset 1 with nothing written yet.
        #expect(throws: ParquetError.self) { try Snappy.decompress([5, 0b0000_0001, 1][...]) }
        // Length 3, then a literal of 4 bytes.
        #expect(throws: ParquetError.self) { try Snappy.decompress([3, 3 << 2, 1, 2, 3, 4][...]) }
        // Length 8, then a literal of 4 bytes only.
        #expect(throws: ParquetError.self) { try Snappy.decompress([8, 3 << 2, 1, 2, 3, 4][...]) }
    }
}
