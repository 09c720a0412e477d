import B2SigV4
import Crypto
import Foundation
import NIOCore
import _NIOFileSystem

extension S3Client {
    /// The object's size, type, ETag and metadata (HeadObject); nil when there is no such object.
    ///
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - key: The object key.
    /// - Returns: The object's description, or nil on 404.
    public func headObject(bucket: String, key: String) async throws -> S3ObjectHead? {
        do {
            let (headers, _) = try await call(
                S3Request("HEAD", bucket: bucket, key: key), operation: "look up s3://\(bucket)/\(key)",
                context: .init(bucket: bucket, key: key))
            return S3ObjectHead(headers: headers)
        } catch let error as B2Error where error.context.httpStatus == 404 {
            return nil
        }
    }

    /// Streams an object, or a byte range of it (GetObject), to `sink`; resumes after a dropped connection from the
    /// byte where it stopped, pinned to the same ETag.
    ///
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - range: The bytes wanted, both ends inclusive; the whole object when nil.
    ///   - sink: Receives the bytes in order; an error it throws ends the download without a retry.
    /// - Returns: The object's description (its whole size, not the range's).
    @discardableResult
    public func getObject(
        bucket: String, key: String, range: ClosedRange<Int64>? = nil, into sink: (ByteBuffer) async throws -> Void
    ) async throws -> S3ObjectHead {
        let operation = "get s3://\(bucket)/\(key)"
        let context = B2Error.Context(bucket: bucket, key: key)
        var reader = ResumableRangeReader(range: range, loop: retryLoop, operation: operation, context: context)
        var head: S3ObjectHead?
        try await reader.read(
            open: { requested in
                var headers: [SigV4Request.Header] = []
                if let requested {
                    headers.append(SigV4Request.Header("range", ResumableRangeReader.header(for: requested)))
                }
                // A resumed GET must read the same object: If-Match its ETag.
                if let eTag = head?.eTag { headers.append(SigV4Request.Header("if-match", "\"\(eTag)\"")) }
                return try await send(
                    S3Request("GET", bucket: bucket, key: key, headers: headers), operation: operation,
                    context: context, timeout: .hours(24))
            },
            first: { response in
                let described = S3ObjectHead(headers: response.headers)
                head = described
                return described.contentLength
            },
            body: { body, offset in
                for try await chunk in body {
                    try await ResumableRangeReader.deliver(chunk, to: sink)
                    offset += Int64(chunk.readableBytes)
                }
            })
        return head!
    }

    /// Downloads an object to a local file through a temporary file beside it, checked against the MD5 of a
    /// single-part ETag, given the object's time and renamed into place (`FileDownload`, as native downloads are);
    /// an object of two pieces or more comes on one stream if that stream is fast, else as parallel ranged GETs.
    ///
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - path: The local file to create or replace.
    ///   - expectedSize: The object's size when the caller listed it: a small object then takes one GET, and an
    ///     object of another size is refused as changed.
    ///   - modifiedMillis: The time to give the file (from a listing); the answer's Last-Modified when nil.
    ///   - pieceSize: Bytes per ranged GET.
    ///   - concurrency: The most ranged GETs at once; 1 keeps the object to one stream.
    ///   - progress: Called with the bytes received so far.
    /// - Returns: The bytes written.
    @discardableResult
    public func download(
        bucket: String, key: String, to path: String, expectedSize: Int64? = nil, modifiedMillis: Int64? = nil,
        pieceSize: Int64 = 32 << 20, concurrency: Int = 4, progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws -> Int64 {
        let size = max(pieceSize, 1)
        return try await FileDownload(
            source: S3DownloadSource(client: self, bucket: bucket, key: key, modifiedMillis: modifiedMillis),
            path: path, expectedSize: expectedSize, pieceSize: size, piecedFrom: 2 * size, concurrency: concurrency,
            singleStreamRate: B2Client.singleStreamRate, logger: logger, progress: progress
        ).run().length
    }

    /// Stores bytes as an object (PutObject), signed with their SHA-256.
    ///
    /// - Parameters:
    ///   - bytes: The object's content.
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - contentType: The content type; S3's default when nil.
    ///   - metadata: User metadata, sent as `x-amz-meta-*`.
    /// - Returns: The new object's ETag, without quotes.
    @discardableResult
    public func putObject(
        _ bytes: ByteBuffer, bucket: String, key: String, contentType: String? = nil, metadata: [String: String] = [:]
    ) async throws -> String? {
        try await put(.bytes(bytes), bucket: bucket, key: key, contentType: contentType, metadata: metadata)
    }

    /// Streams a local file (or a range of it) as one object (PutObject), reading it from disk in chunks, re-read on
    /// retry; the payload is sent as `UNSIGNED-PAYLOAD`.
    ///
    /// - Parameters:
    ///   - path: The local file.
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - contentType: The content type.
    ///   - metadata: User metadata.
    /// - Returns: The new object's ETag, without quotes.
    @discardableResult
    public func putObject(
        file path: String, bucket: String, key: String, contentType: String? = nil, metadata: [String: String] = [:]
    ) async throws -> String? {
        let size = try UploadSource.file(path).describe().size
        return try await put(
            .file(path: path, range: 0..<size), bucket: bucket, key: key, contentType: contentType, metadata: metadata)
    }

    func put(
        _ body: S3Body, bucket: String, key: String, contentType: String?, metadata: [String: String]
    ) async throws -> String? {
        var headers: [SigV4Request.Header] = []
        if let contentType { headers.append(SigV4Request.Header("content-type", contentType)) }
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) {
            headers.append(SigV4Request.Header("x-amz-meta-\(name.lowercased())", value))
        }
        let (answer, _) = try await call(
            S3Request("PUT", bucket: bucket, key: key, headers: headers, body: body),
            operation: "put s3://\(bucket)/\(key)", context: .init(bucket: bucket, key: key))
        return answer.first(name: "ETag").map(S3Wire.unquote)
    }

    /// Deletes an object (DeleteObject). S3 answers success for a key that does not exist.
    ///
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - key: The object key.
    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await call(
            S3Request("DELETE", bucket: bucket, key: key), operation: "delete s3://\(bucket)/\(key)",
            context: .init(bucket: bucket, key: key))
    }

    /// Deletes up to 1000 objects in one request (DeleteObjects).
    ///
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - keys: The keys, at most 1000.
    /// - Returns: The keys the server reported as not deleted, with its error code and message.
    /// - Throws: ``B2Error`` with code `usage` for more than 1000 keys; S3 errors for the request as a whole.
    public func deleteObjects(bucket: String, keys: [String]) async throws -> [S3DeleteFailure] {
        guard keys.count <= 1000 else {
            throw B2Error(.usage, "DeleteObjects takes at most 1000 keys; split the \(keys.count) keys into batches")
        }
        guard !keys.isEmpty else { return [] }
        var xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
        for key in keys { xml += "<Object><Key>\(S3XMLElement.escape(key))</Key></Object>" }
        xml += "</Delete>"
        let body = ByteBuffer(string: xml)
        let md5 = Data(Insecure.MD5.hash(data: Array(body.readableBytesView))).base64EncodedString()
        let document = try await callXML(
            S3Request(
                "POST", bucket: bucket, query: [SigV4Request.QueryItem("delete")],
                headers: [
                    SigV4Request.Header("content-md5", md5), SigV4Request.Header("content-type", "application/xml"),
                ], body: .bytes(body)),
            operation: "delete \(keys.count) objects in s3://\(bucket)", context: .init(bucket: bucket))
        return document.all("Error").map {
            S3DeleteFailure(key: $0.text("Key") ?? "", code: $0.text("Code") ?? "", message: $0.text("Message") ?? "")
        }
    }

    /// Copies an object server-side (CopyObject), keeping its metadata.
    ///
    /// - Parameters:
    ///   - sourceBucket: The source bucket.
    ///   - sourceKey: The source key.
    ///   - bucket: The destination bucket.
    ///   - key: The destination key.
    /// - Returns: The copy's ETag, without quotes.
    @discardableResult
    public func copyObject(sourceBucket: String, sourceKey: String, bucket: String, key: String) async throws
        -> String?
    {
        let source = PercentEncoding.sigV4Path.encode("/\(sourceBucket)/\(sourceKey)")
        let document = try await callXML(
            S3Request(
                "PUT", bucket: bucket, key: key,
                headers: [
                    SigV4Request.Header("x-amz-copy-source", source),
                    SigV4Request.Header("x-amz-metadata-directive", "COPY"),
                ]),
            operation: "copy s3://\(sourceBucket)/\(sourceKey) to s3://\(bucket)/\(key)",
            context: .init(bucket: bucket, key: key))
        if document.name == "Error" {
            // S3 may answer 200 and still fail a copy, with an <Error> body.
            throw B2Error.s3(
                status: 500, document: document, headers: [:], operation: "copy s3://\(sourceBucket)/\(sourceKey)",
                endpoint: endpoint, region: region, accessKeyId: accessKeyId, context: .init(bucket: bucket, key: key))
        }
        return document.text("ETag").map(S3Wire.unquote)
    }
}

/// A key DeleteObjects could not delete.
public struct S3DeleteFailure: Sendable, Equatable {
    /// The key.
    public var key: String
    /// S3's error code, such as `AccessDenied`.
    public var code: String
    /// S3's message.
    public var message: String
}
