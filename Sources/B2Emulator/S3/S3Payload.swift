import B2SigV4
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What a request says about its body: its decoded length, whether it is `aws-chunked`, and the digests it
/// claims (a signed SHA-256, an `x-amz-checksum-*` header, or a checksum trailer to come).
struct S3Payload: Sendable {
    /// The number of object bytes (for `aws-chunked`, `x-amz-decoded-content-length`).
    let length: Int64
    /// True when the body is framed as `aws-chunked`.
    let isChunked: Bool
    /// The signed hex SHA-256 of the bytes, when `x-amz-content-sha256` carries one.
    let sha256: String?
    /// The checksum algorithm sent, and its value when it came as a header (nil: it comes as a trailer).
    let checksum: (algorithm: S3ChecksumAlgorithm, value: String?)?

    /// Reads the payload headers of a request.
    ///
    /// - Throws: ``S3Error`` when the length is missing, a claimed digest is malformed, or the framing is unknown.
    init(_ request: Request) throws {
        let claim = request.headers[S3Headers.contentSHA256]
        let encoding = request.headers[.contentEncoding] ?? ""
        isChunked =
            encoding.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "aws-chunked" }
            || (claim?.hasPrefix("STREAMING-") ?? false)
        if isChunked {
            guard let text = request.headers[S3Headers.decodedContentLength], let decoded = Int64(text), decoded >= 0
            else {
                throw S3Error(
                    .lengthRequired, "MissingContentLength",
                    "aws-chunked uploads need x-amz-decoded-content-length: send the object's length")
            }
            length = decoded
        } else {
            guard let text = request.headers[.contentLength], let sent = Int64(text), sent >= 0 else {
                throw S3Error(
                    .lengthRequired, "MissingContentLength", "You must provide the Content-Length HTTP header.")
            }
            length = sent
        }
        if let claim, claim.utf8.count == 64 {
            guard claim.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
                throw S3Error(
                    .badRequest, "InvalidArgument", "x-amz-content-sha256 must be 64 lower-case hex digits")
            }
            sha256 = claim
        } else {
            sha256 = nil
        }
        var found: (S3ChecksumAlgorithm, String?)?
        for field in request.headers {
            if let algorithm = S3ChecksumAlgorithm(headerName: field.name.canonicalName) {
                found = (algorithm, field.value)
            }
        }
        if found == nil, let trailer = request.headers[S3Headers.trailer] {
            guard let algorithm = S3ChecksumAlgorithm(headerName: trailer.trimmingCharacters(in: .whitespaces)) else {
                throw S3Error.invalidArgument("x-amz-trailer \(trailer) is not an x-amz-checksum-* header")
            }
            guard isChunked else {
                throw S3Error.invalidArgument("x-amz-trailer needs an aws-chunked body (Content-Encoding: aws-chunked)")
            }
            found = (algorithm, nil)
        }
        checksum = found.map { (algorithm: $0.0, value: $0.1) }
    }

    /// The request body as object bytes: unframed when `aws-chunked`, and checked against every claimed digest
    /// when it ends (a mismatch throws, so the caller never keeps the bytes).
    func body<Base: AsyncSequence & Sendable>(_ base: Base) -> S3PayloadBody<Base> where Base.Element == ByteBuffer {
        S3PayloadBody(base: base, payload: self)
    }
}

/// The bytes of an S3 upload: `aws-chunked` framing removed, SHA-256 and checksum verified at the end.
struct S3PayloadBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    let payload: S3Payload

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), payload: payload)
    }

    struct Iterator: AsyncIteratorProtocol {
        private enum Framing {
            case plain
            case chunkHeader
            case chunkData(remaining: Int)
            case chunkEnd
            case trailers
            case finished
        }

        var base: Base.AsyncIterator
        let payload: S3Payload
        private var framing: Framing
        private var pending = ByteBuffer()
        private var sha256: SHA256?
        private var checksummer: S3Checksummer?
        private var trailers: [String: String] = [:]
        private var done = false

        init(base: Base.AsyncIterator, payload: S3Payload) {
            self.base = base
            self.payload = payload
            framing = payload.isChunked ? .chunkHeader : .plain
            sha256 = payload.sha256 == nil ? nil : SHA256()
            checksummer = payload.checksum.map { S3Checksummer($0.algorithm) }
        }

        mutating func next() async throws -> ByteBuffer? {
            guard !done else { return nil }
            while true {
                switch framing {
                case .plain:
                    guard let buffer = try await base.next() else { return try finish() }
                    hash(buffer)
                    return buffer
                case .finished:
                    return try finish()
                case .chunkData(let remaining):
                    if pending.readableBytes == 0 {
                        guard let more = try await base.next() else { throw Self.incomplete() }
                        pending = more
                    }
                    let count = Swift.min(remaining, pending.readableBytes)
                    let slice = pending.readSlice(length: count)!
                    framing = remaining == count ? .chunkEnd : .chunkData(remaining: remaining - count)
                    hash(slice)
                    if slice.readableBytes > 0 { return slice }
                case .chunkHeader, .chunkEnd, .trailers:
                    guard let line = try await readLine() else {
                        if case .trailers = framing {
                            framing = .finished
                            continue
                        }
                        throw Self.incomplete()
                    }
                    try advance(line: line)
                }
            }
        }

        private mutating func advance(line: String) throws {
            switch framing {
            case .chunkEnd:
                guard line.isEmpty else { throw Self.framingError("chunk data is longer than its declared size") }
                framing = .chunkHeader
            case .chunkHeader:
                let sizeText = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                    throw Self.framingError("chunk header \"\(line.prefix(80))\" has no hex size")
                }
                framing = size == 0 ? .trailers : .chunkData(remaining: size)
            case .trailers:
                if line.isEmpty {
                    framing = .finished
                    return
                }
                guard let colon = line.firstIndex(of: ":") else {
                    throw Self.framingError("trailer \"\(line.prefix(80))\" is not name:value")
                }
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                trailers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            default:
                break
            }
        }

        /// The next CRLF-terminated line of the framing, or nil at the end of the body.
        private mutating func readLine() async throws -> String? {
            while true {
                let view = pending.readableBytesView
                if let newline = view.firstIndex(of: UInt8(ascii: "\n")) {
                    let length = newline - view.startIndex
                    var bytes = pending.readBytes(length: length + 1)!
                    bytes.removeLast()
                    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                    return String(decoding: bytes, as: UTF8.self)
                }
                guard pending.readableBytes < 64 * 1024 else {
                    throw Self.framingError("a chunk header or trailer line is longer than 64 KiB")
                }
                guard var more = try await base.next() else {
                    return pending.readableBytes == 0 ? nil : String(buffer: pending)
                }
                if pending.readableBytes == 0 {
                    pending = more
                } else {
                    pending.writeBuffer(&more)
                }
            }
        }

        private mutating func hash(_ buffer: ByteBuffer) {
            if sha256 != nil {
                buffer.withUnsafeReadableBytes { sha256!.update(bufferPointer: $0) }
            }
            checksummer?.update(buffer)
        }

        private mutating func finish() throws -> ByteBuffer? {
            done = true
            if let claim = payload.sha256, let sha256 {
                let actual = Hex.string(sha256.finalize())
                guard actual == claim else {
                    throw S3Error(
                        .badRequest, "XAmzContentSHA256Mismatch",
                        "The provided 'x-amz-content-sha256' header does not match what was computed: "
                            + "the client said \(claim), the bytes hash to \(actual)")
                }
            }
            if let checksum = payload.checksum, let checksummer {
                let header = checksum.algorithm.headerName
                guard let expected = checksum.value ?? trailers[header] else {
                    throw S3Error.invalidRequest("The trailer \(header) announced in x-amz-trailer was not sent")
                }
                let actual = checksummer.finalize()
                guard actual == expected else {
                    throw S3Error.badDigest(
                        "The \(checksum.algorithm.rawValue.uppercased()) you specified did not match the calculated "
                            + "checksum: sent \(expected), computed \(actual)")
                }
            }
            return nil
        }

        private static func incomplete() -> S3Error {
            S3Error(.badRequest, "IncompleteBody", "The request body ended inside an aws-chunked chunk: resend it")
        }

        private static func framingError(_ detail: String) -> S3Error {
            S3Error(.badRequest, "InvalidRequest", "The aws-chunked body is malformed: \(detail)")
        }
    }
}
