import B2SigV4
import NIOCore

extension S3Client {
    /// Starts a multipart upload (CreateMultipartUpload).
    ///
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - contentType: The content type of the final object.
    ///   - metadata: User metadata of the final object, sent as `x-amz-meta-*`.
    /// - Returns: The upload id.
    public func createMultipartUpload(
        bucket: String, key: String, contentType: String? = nil, metadata: [String: String] = [:]
    ) async throws -> String {
        var headers = contentType.map { [SigV4Request.Header("content-type", $0)] } ?? []
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) {
            headers.append(SigV4Request.Header("x-amz-meta-\(name.lowercased())", value))
        }
        let document = try await callXML(
            S3Request("POST", bucket: bucket, key: key, query: [SigV4Request.QueryItem("uploads")], headers: headers),
            operation: "start a multipart upload of s3://\(bucket)/\(key)", context: .init(bucket: bucket, key: key))
        guard let uploadId = document.text("UploadId"), !uploadId.isEmpty else {
            throw B2Error(
                .server, "The S3 endpoint \(endpoint) started a multipart upload but returned no UploadId",
                context: .init(bucket: bucket, key: key))
        }
        return uploadId
    }

    /// Uploads one part (UploadPart), signed with its SHA-256.
    ///
    /// - Parameters:
    ///   - bytes: The part's bytes (at least 5 MiB except for the last part).
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - uploadId: The upload id.
    ///   - partNumber: The part number, 1 to 10000.
    /// - Returns: The part with the ETag the server returned.
    public func uploadPart(
        _ bytes: ByteBuffer, bucket: String, key: String, uploadId: String, partNumber: Int
    ) async throws -> S3Part {
        try await uploadPart(.bytes(bytes), bucket: bucket, key: key, uploadId: uploadId, partNumber: partNumber)
    }

    func uploadPart(_ body: S3Body, bucket: String, key: String, uploadId: String, partNumber: Int) async throws
        -> S3Part
    {
        let (headers, _) = try await call(
            S3Request(
                "PUT", bucket: bucket, key: key,
                query: [
                    SigV4Request.QueryItem("partNumber", String(partNumber)),
                    SigV4Request.QueryItem("uploadId", uploadId),
                ], body: body),
            operation: "upload part \(partNumber) of s3://\(bucket)/\(key)", context: .init(bucket: bucket, key: key))
        guard let eTag = headers.first(name: "ETag").map(S3Wire.unquote) else {
            throw B2Error(
                .server, "The S3 endpoint \(endpoint) accepted part \(partNumber) but returned no ETag",
                context: .init(bucket: bucket, key: key))
        }
        return S3Part(partNumber: partNumber, eTag: eTag, size: body.length)
    }

    /// Finishes a multipart upload (CompleteMultipartUpload).
    ///
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - uploadId: The upload id.
    ///   - parts: Every part, in any order.
    /// - Returns: The object's ETag, without quotes.
    @discardableResult
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String, parts: [S3Part]) async throws
        -> String?
    {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts.sorted(by: { $0.partNumber < $1.partNumber }) {
            xml +=
                "<Part><PartNumber>\(part.partNumber)</PartNumber>"
                + "<ETag>\"\(S3XMLElement.escape(part.eTag))\"</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let operation = "complete the multipart upload of s3://\(bucket)/\(key)"
        let document = try await callXML(
            S3Request(
                "POST", bucket: bucket, key: key, query: [SigV4Request.QueryItem("uploadId", uploadId)],
                headers: [SigV4Request.Header("content-type", "application/xml")], body: .bytes(ByteBuffer(string: xml))
            ),
            operation: operation, context: .init(bucket: bucket, key: key))
        if document.name == "Error" {
            throw B2Error.s3(
                status: 500, document: document, headers: [:], operation: operation, endpoint: endpoint,
                region: region, accessKeyId: accessKeyId, context: .init(bucket: bucket, key: key))
        }
        return document.text("ETag").map(S3Wire.unquote)
    }

    /// Abandons a multipart upload and frees its parts (AbortMultipartUpload).
    ///
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - uploadId: The upload id.
    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws {
        _ = try await call(
            S3Request("DELETE", bucket: bucket, key: key, query: [SigV4Request.QueryItem("uploadId", uploadId)]),
            operation: "abort the multipart upload of s3://\(bucket)/\(key)", context: .init(bucket: bucket, key: key))
    }

    /// The parts uploaded so far (ListParts), following `NextPartNumberMarker` (at most 10000 parts exist).
    ///
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - uploadId: The upload id.
    /// - Returns: The parts in part-number order.
    public func listParts(bucket: String, key: String, uploadId: String) async throws -> [S3Part] {
        var parts: [S3Part] = []
        var marker: String?
        repeat {
            var query = [SigV4Request.QueryItem("uploadId", uploadId)]
            if let marker { query.append(SigV4Request.QueryItem("part-number-marker", marker)) }
            let document = try await callXML(
                S3Request("GET", bucket: bucket, key: key, query: query),
                operation: "list the parts of s3://\(bucket)/\(key)", context: .init(bucket: bucket, key: key))
            parts += document.all("Part").compactMap { part in
                guard let number = part.text("PartNumber").flatMap({ Int($0) }) else { return nil }
                return S3Part(
                    partNumber: number, eTag: part.text("ETag").map(S3Wire.unquote) ?? "",
                    size: part.text("Size").flatMap { Int64($0) })
            }
            marker = document.text("IsTruncated") == "true" ? document.text("NextPartNumberMarker") : nil
        } while marker != nil
        return parts
    }
}
