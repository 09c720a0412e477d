import Foundation
import NIOCore
import NIOPosix
import _NIOFileSystem

/// How the uploader vouches for the bytes it sends (`X-Bz-Content-Sha1`).
enum SHA1Expectation: Sendable, Equatable {
    /// The 40-hex SHA-1 of the content.
    case digest(String)
    /// `hex_digits_at_end`: the last 40 bytes of the body are the hex SHA-1 of the bytes before them.
    case atEnd
    /// `do_not_verify`: stored as `unverified:<sha1>`.
    case doNotVerify
}

/// Bytes received from a client into a temporary file, verified, not yet visible.
struct ReceivedBlob: Sendable {
    let temporaryPath: String
    let length: Int64
    let sha1: String
    let md5: String?
}

/// Object bytes on disk, one immutable file per blob, written through a temporary file and a rename.
///
/// Layout under the data folder: `blobs/` (committed objects), `parts/<fileId>/<n>` (parts of unfinished large
/// files) and `tmp/` (uploads in flight, emptied at start, so a crash never leaves a partial object visible).
struct BlobStore: Sendable {
    let root: String
    private let fileSystem = FileSystem.shared

    init(root: String) throws {
        self.root = root
        let manager = FileManager.default
        for folder in ["blobs", "parts", "tmp"] {
            try manager.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        for leftover in (try? manager.contentsOfDirectory(atPath: root + "/tmp")) ?? [] {
            try? manager.removeItem(atPath: root + "/tmp/" + leftover)
        }
    }

    func blobPath(_ blob: String) -> String { root + "/blobs/" + blob }
    func partDirectory(fileId: String) -> String { root + "/parts/" + fileId }
    func partPath(fileId: String, partNumber: Int64) -> String { partDirectory(fileId: fileId) + "/\(partNumber)" }
    func temporaryPath() -> String { root + "/tmp/" + UUID().uuidString }

    /// Streams a request body into a temporary file, hashing as it goes, and checks length and SHA-1.
    ///
    /// - Parameters:
    ///   - body: the request body.
    ///   - contentLength: the request's `Content-Length`, including 40 trailing hex digits with `.atEnd`.
    ///   - expectation: what `X-Bz-Content-Sha1` said.
    ///   - includeMD5: also compute an MD5.
    /// - Throws: `B2APIError` 400 when the body is shorter or longer than `contentLength` or the SHA-1 differs;
    ///   the temporary file is removed on any failure.
    func receive<Body: AsyncSequence>(
        body: Body,
        contentLength: Int64,
        expectation: SHA1Expectation,
        includeMD5: Bool
    ) async throws -> ReceivedBlob where Body.Element == ByteBuffer {
        let dataLength = expectation == .atEnd ? contentLength - 40 : contentLength
        guard dataLength >= 0 else {
            throw B2APIError.badRequest("With hex_digits_at_end the body must end with 40 hex digits of SHA-1")
        }
        let path = temporaryPath()
        do {
            var digest = ContentDigest(includeMD5: includeMD5)
            var received: Int64 = 0
            var trailer = [UInt8]()
            try await fileSystem.withFileHandle(
                forWritingAt: FilePath(path),
                options: .newFile(replaceExisting: false)
            ) { handle in
                try await handle.withBufferedWriter(capacity: .mebibytes(1)) { writer in
                    for try await var buffer in body {
                        let dataRemaining = max(0, dataLength - received)
                        received += Int64(buffer.readableBytes)
                        if received > contentLength { break }
                        if Int64(buffer.readableBytes) > dataRemaining {
                            let data = buffer.readSlice(length: Int(dataRemaining))!
                            trailer.append(contentsOf: buffer.readableBytesView)
                            buffer = data
                        }
                        if buffer.readableBytes > 0 {
                            digest.update(buffer)
                            try await writer.write(contentsOf: buffer)
                        }
                    }
                }
                try await handle.synchronize()
            }
            guard received == contentLength else {
                throw B2APIError.badRequest(
                    "Received \(received) bytes but Content-Length was \(contentLength): send exactly the declared length"
                )
            }
            let (sha1, md5) = digest.finalize()
            switch expectation {
            case .digest(let expected):
                guard expected.lowercased() == sha1 else {
                    throw B2APIError.badRequest(
                        "Sha1 did not match data received: X-Bz-Content-Sha1 was \(expected), the bytes hash to \(sha1)"
                    )
                }
            case .atEnd:
                let sent = String(decoding: trailer, as: UTF8.self)
                guard sent.lowercased() == sha1 else {
                    throw B2APIError.badRequest(
                        "Sha1 did not match data received: the trailing digits were \(sent), the bytes hash to \(sha1)"
                    )
                }
            case .doNotVerify:
                break
            }
            return ReceivedBlob(temporaryPath: path, length: dataLength, sha1: sha1, md5: md5)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// Moves a verified temporary file to its final place, atomically.
    func commit(_ temporaryPath: String, to path: String) throws {
        guard rename(temporaryPath, path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw B2APIError.internalError("Could not store the upload (errno \(code)): check the data folder")
        }
    }

    func makePartDirectory(fileId: String) throws {
        try FileManager.default.createDirectory(
            atPath: partDirectory(fileId: fileId), withIntermediateDirectories: true)
    }

    /// Makes a large file's parts folder its blob (`blobs/<fileId>/1...N`), atomically.
    func promoteParts(fileId: String) throws {
        guard rename(partDirectory(fileId: fileId), blobPath(fileId)) == 0 else {
            throw B2APIError.internalError("Could not store the large file (errno \(errno)): check the data folder")
        }
    }

    /// Undoes ``promoteParts(fileId:)`` when the commit that should follow it failed (or a crash came between).
    func demoteParts(fileId: String) {
        _ = rename(blobPath(fileId), partDirectory(fileId: fileId))
    }

    /// Copies `range` of a blob into a new temporary file and returns its path.
    func copyRange(of source: String, offset: Int64, length: Int64) async throws -> String {
        let destination = temporaryPath()
        do {
            try await NIOThreadPool.singleton.runIfActive {
                try FileConcatenation.copy(from: source, offset: offset, length: length, into: destination)
            }
            return destination
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
    }

    /// Links an existing blob under a new name (copies share bytes without copying them).
    func link(_ source: String, to destination: String) throws {
        guard Foundation.link(source, destination) == 0 else {
            throw B2APIError.internalError("Could not link blob (errno \(errno)): check the data folder")
        }
    }

    func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
