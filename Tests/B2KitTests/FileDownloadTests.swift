import Crypto
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import B2Kit

/// The one download-to-file path, driven by an in-memory source: one GET or pieces, the digest check, the listed
/// size, the time, and nothing left behind when it fails.
@Suite("FileDownload")
struct FileDownloadTests {
    /// An object served from memory in chunks of 1000 bytes, recording the ranges asked for.
    struct MemorySource: DownloadSource {
        let bytes: [UInt8]
        /// What the store claims the bytes hash to.
        let digest: ObjectDigest?
        let modifiedMillis: Int64? = 1_700_000_000_123
        let reads = Reads()
        let checksItself: Bool

        var address: String { "s3://memory/object.bin" }
        var context: B2Error.Context { B2Error.Context(bucket: "memory", key: "object.bin") }

        func makeWholeReadHasher() -> ObjectDigest.Hasher? { checksItself ? nil : digest?.makeHasher() }

        func facts() async throws -> DownloadFacts {
            DownloadFacts(length: Int64(bytes.count), digest: digest, modifiedMillis: modifiedMillis)
        }

        func read(
            range: ClosedRange<Int64>?, expectedSize: Int64?, into sink: (ByteBuffer) async throws -> Void
        ) async throws -> DownloadFacts {
            reads.append(range)
            let wanted = range.map { Int($0.lowerBound)...Int(min($0.upperBound, Int64(bytes.count - 1))) }
            let slice = wanted.map { Array(bytes[$0]) } ?? bytes
            for start in stride(from: 0, to: slice.count, by: 1000) {
                try await sink(ByteBuffer(bytes: slice[start..<min(start + 1000, slice.count)]))
            }
            return try await facts()
        }
    }

    final class Reads: Sendable {
        let ranges = Mutex<[ClosedRange<Int64>?]>([])
        func append(_ range: ClosedRange<Int64>?) { ranges.withLock { $0.append(range) } }
        var all: [ClosedRange<Int64>?] { ranges.withLock { $0 } }
    }

    static func bytes(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }

    static func md5(_ bytes: [UInt8]) -> ObjectDigest {
        .md5(Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
    }

    /// A fresh folder, removed after `body`.
    static func inFolder(_ body: (String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-fd-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await body(folder)
    }

    static func download(
        _ source: MemorySource, to path: String, expectedSize: Int64? = nil, concurrency: Int = 4
    ) -> FileDownload<MemorySource> {
        FileDownload(
            source: source, path: path, expectedSize: expectedSize, pieceSize: 4000, piecedFrom: 8000,
            concurrency: concurrency,
            // Slower than any stream: a large object is always cut into pieces.
            singleStreamRate: .infinity, logger: .init(label: "test"), progress: nil)
    }

    @Test("A small object comes on one GET, checked, with the object's time, and no temporary file is left")
    func small() async throws {
        try await Self.inFolder { folder in
            let data = Self.bytes(5500)
            let source = MemorySource(bytes: data, digest: Self.md5(data), checksItself: false)
            let path = folder + "/small.bin"
            let facts = try await Self.download(source, to: path, expectedSize: 5500).run()
            #expect(facts.length == 5500)
            #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == data)
            #expect(source.reads.all == [nil])
            let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
            #expect(modified.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == 1_700_000_000_123)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["small.bin"])
        }
    }

    @Test("A large object comes as ranged pieces after the first stream is cut, hashed over the written front")
    func pieces() async throws {
        try await Self.inFolder { folder in
            let data = Self.bytes(21_000)
            let source = MemorySource(bytes: data, digest: Self.md5(data), checksItself: true)
            let path = folder + "/large.bin"
            _ = try await Self.download(source, to: path).run()
            #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == data)
            let reads = source.reads.all
            #expect(reads.first == 0...20_999)
            #expect(reads.count > 2, "the rest came in pieces: \(reads)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["large.bin"])
        }
    }

    @Test(
        "Bytes that do not match the store's digest are refused, one GET or pieces, and leave no file",
        arguments: [
            5500, 21_000,
        ])
    func mismatch(size: Int) async throws {
        try await Self.inFolder { folder in
            let data = Self.bytes(size)
            let source = MemorySource(bytes: data, digest: Self.md5(data + [1]), checksItself: false)
            let path = folder + "/bad.bin"
            let error = await #expect(throws: B2Error.self) { _ = try await Self.download(source, to: path).run() }
            #expect(error?.code == .integrity)
            #expect(error?.message.contains("s3://memory/object.bin") == true)
            let left = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(left.isEmpty)
        }
    }

    @Test("An object of another size than listed is refused as changed; the file already there stays")
    func changedSize() async throws {
        try await Self.inFolder { folder in
            let data = Self.bytes(3000)
            let path = folder + "/kept.bin"
            try Data([9, 9]).write(to: URL(fileURLWithPath: path))
            let source = MemorySource(bytes: data, digest: Self.md5(data), checksItself: false)
            let error = await #expect(throws: B2Error.self) {
                _ = try await Self.download(source, to: path, expectedSize: 2000).run()
            }
            #expect(error?.code == .integrity)
            #expect(error?.message.contains("listed with 2000 bytes") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([9, 9]))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["kept.bin"])
        }
    }

    @Test("Only a single-part ETag is an MD5 to check against")
    func eTags() {
        #expect(ObjectDigest.s3(eTag: "9e107d9d372bb6826bd81d3542a419d6") == .md5("9e107d9d372bb6826bd81d3542a419d6"))
        #expect(ObjectDigest.s3(eTag: "9e107d9d372bb6826bd81d3542a419d6-3") == nil)
        #expect(ObjectDigest.s3(eTag: nil) == nil)
    }
}
