import Foundation
import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The one way an object becomes a local file, native and S3, from the CLI and from sync alike: written to a
/// temporary file beside the target (`.NAME.b2kit-UUID`, which a later sync recognises and removes), checked against
/// the store's SHA-1 or MD5 (and the listed size), flushed, given the object's time and renamed into place. A failed
/// download leaves no file behind.
///
/// A small object (or any, at `concurrency` 1) comes on one GET; a large one as a `PiecedDownload`.
struct FileDownload<Source: DownloadSource> {
    let source: Source
    /// The file to create or replace.
    let path: String
    /// The object's size when the caller listed it: a small object is then fetched with one GET, without asking
    /// its size first, and the bytes that arrive must number this many.
    var expectedSize: Int64?
    /// Bytes per ranged GET of a large object.
    var pieceSize: Int64
    /// The smallest object fetched as pieces.
    var piecedFrom: Int64
    /// The most streams a large object comes on at once; 1 keeps it to one.
    var concurrency: Int
    /// The speed (bytes per second) at which a large object's first stream carries it alone.
    var singleStreamRate: Double
    var logger: Logger
    var progress: (@Sendable (Int64) -> Void)?

    /// Downloads the object to `path`.
    /// - Returns: what the store said of the object.
    func run() async throws -> DownloadFacts {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            let base = source.context.key?.split(separator: "/").last ?? ""
            throw B2Error(.usage, "\(path) is a directory: give the file path to write, e.g. \(path)/\(base)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let folder = directory.isEmpty ? "." : directory
        guard FileManager.default.fileExists(atPath: folder) else {
            throw B2Error(.localFile, "The folder \(folder) does not exist: create it first")
        }
        let temporary = folder + "/." + (path as NSString).lastPathComponent + ".b2kit-" + UUID().uuidString
        do {
            let facts = try await download(into: temporary)
            if let modified = facts.modifiedMillis { Self.setModificationTime(of: temporary, millis: modified) }
            guard rename(temporary, path) == 0 else {
                throw B2Error(.localFile, "Cannot write \(path) (errno \(errno)): check the folder's permissions")
            }
            return facts
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private func download(into temporary: String) async throws -> DownloadFacts {
        let writer = try DirectFileWriter(creating: temporary)
        // Whether the object goes in one stream or in pieces: a listed size answers it, else a HEAD request.
        let small = (expectedSize.map { $0 < piecedFrom } ?? false) || concurrency < 2
        let head = small ? nil : try await source.facts()
        let facts: DownloadFacts
        if let head, head.length >= piecedFrom {
            try await PiecedDownload(
                source: source, length: head.length, pieceSize: pieceSize, concurrency: concurrency,
                singleStreamRate: singleStreamRate, writer: writer, digest: head.digest, logger: logger,
                progress: progress
            ).run()
            facts = head
        } else {
            facts = try await stream(into: writer, size: expectedSize ?? head?.length)
        }
        if let expectedSize, facts.length != expectedSize {
            throw B2Error(
                .integrity,
                "\(source.address) was listed with \(expectedSize) bytes but has \(facts.length) now: it changed "
                    + "since it was listed; run again",
                context: source.context)
        }
        try writer.synchronize()
        return facts
    }

    /// One GET of the whole object, written as it arrives, and hashed here unless the source checks it.
    private func stream(into writer: DirectFileWriter, size: Int64?) async throws -> DownloadFacts {
        var offset: Int64 = 0
        var hasher = source.makeWholeReadHasher()
        let facts = try await source.read(range: nil, expectedSize: size) { chunk in
            if hasher != nil { chunk.withUnsafeReadableBytes { hasher?.update($0) } }
            try writer.write(chunk, at: offset)
            offset += Int64(chunk.readableBytes)
            progress?(offset)
        }
        if offset != facts.length {
            throw B2Error(
                .integrity, "\(source.address) has \(facts.length) bytes but \(offset) arrived: retry",
                context: source.context)
        }
        if let hasher, let digest = facts.digest {
            let actual = hasher.finalize()
            if actual != digest.hex { throw digest.mismatch(actual, of: source.address, context: source.context) }
        }
        return facts
    }

    /// Gives `path` the time `millis`, exact to the millisecond (a Date's double would round some times down by one),
    /// so a sync that compares sizes and times sees the file it wrote as unchanged.
    static func setModificationTime(of path: String, millis: Int64) {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let time = timespec(tv_sec: Int(seconds), tv_nsec: Int((millis - seconds * 1000) * 1_000_000))
        _ = utimensat(AT_FDCWD, path, [time, time], 0)
    }
}
