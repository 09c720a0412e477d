import B2SigV4

extension S3Client {
    /// A presigned GET URL: anyone holding it can download the object until it expires, with no key.
    ///
    /// - Parameters:
    ///   - bucket: The bucket.
    ///   - key: The object key.
    ///   - expires: Seconds the URL stays valid, at most 604800 (seven days).
    /// - Returns: The URL.
    public func presignedGetURL(bucket: String, key: String, expires: Int = 3600) -> String {
        let request = SigV4Request(method: "GET", host: hostHeader, path: "/\(bucket)/\(key)")
        let presigned = signer.presign(request, expires: expires, date: now())
        return endpoint + request.encodedPath + "?" + presigned.encodedQuery
    }
}
