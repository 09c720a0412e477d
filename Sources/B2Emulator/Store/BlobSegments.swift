#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One piece of a blob: a file, and where its bytes sit in the blob.
struct BlobSegment: Sendable, Equatable {
    let path: String
    let offset: Int64
    let length: Int64
}

/// A blob is one file, or for a finished large file a folder of its part files `1` ... `N`, read in order: finishing
/// a large file renames its parts folder into place instead of copying every byte.
enum BlobSegments {
    /// The segments of the blob at `path` (blocking: stats the parts of a folder blob).
    static func of(_ path: String) throws -> [BlobSegment] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw B2APIError.internalError("The stored bytes are missing: \(path)")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            return [BlobSegment(path: path, offset: 0, length: Int64(info.st_size))]
        }
        var segments: [BlobSegment] = []
        var offset: Int64 = 0
        var number = 1
        while true {
            let part = path + "/\(number)"
            guard stat(part, &info) == 0 else { break }
            segments.append(BlobSegment(path: part, offset: offset, length: Int64(info.st_size)))
            offset += Int64(info.st_size)
            number += 1
        }
        return segments
    }

    /// The pieces of `range` (of the whole blob) as ranges within each segment's own file.
    static func pieces(of segments: [BlobSegment], covering range: ClosedRange<Int64>) -> [(
        path: String, range: ClosedRange<Int64>
    )] {
        segments.compactMap { segment in
            let start = max(range.lowerBound, segment.offset)
            let end = min(range.upperBound, segment.offset + segment.length - 1)
            guard start <= end else { return nil }
            return (segment.path, (start - segment.offset)...(end - segment.offset))
        }
    }
}
