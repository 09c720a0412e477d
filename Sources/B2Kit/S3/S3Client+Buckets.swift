import B2SigV4
import NIOCore

extension S3Client {
    /// Lists the buckets the key may see (ListBuckets).
    ///
    /// - Returns: The buckets, in the server's order.
    /// - Throws: ``B2Error``; a key restricted to one bucket without `listAllBucketNames` gets `missingCapability`
    ///   with a message naming that capability.
    public func listBuckets() async throws -> [S3Bucket] {
        let document = try await callXML(S3Request("GET"), operation: "list buckets")
        return (document.child("Buckets")?.all("Bucket") ?? []).map { bucket in
            S3Bucket(name: bucket.text("Name") ?? "", creationDate: bucket.text("CreationDate").flatMap(S3Wire.isoDate))
        }
    }

    /// Creates a bucket (CreateBucket) in the endpoint's region.
    ///
    /// - Parameter name: The bucket name.
    /// - Throws: ``B2Error`` with code `alreadyExists` when the name is taken.
    public func createBucket(_ name: String) async throws {
        var body = ByteBuffer()
        if region != "us-east-1" {
            body.writeString(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<LocationConstraint>\(S3XMLElement.escape(region))</LocationConstraint>"
                    + "</CreateBucketConfiguration>")
        }
        _ = try await call(
            S3Request("PUT", bucket: name, body: body.readableBytes > 0 ? .bytes(body) : .empty),
            operation: "create bucket s3://\(name)", context: .init(bucket: name))
    }

    /// Deletes an empty bucket (DeleteBucket).
    ///
    /// - Parameter name: The bucket name.
    /// - Throws: ``B2Error`` with code `conflict` when the bucket still holds objects.
    public func deleteBucket(_ name: String) async throws {
        _ = try await call(
            S3Request("DELETE", bucket: name), operation: "delete bucket s3://\(name)", context: .init(bucket: name))
    }
}
