import GRDB
import HTTPTypes
import Hummingbird

extension EmulatorState {
    /// The bucket an S3 request names (exact case), or `NoSuchBucket`; the key must be allowed to use it.
    func s3Bucket(_ call: S3Call) async throws -> BucketRecord {
        let name = call.bucketName
        let found = try await database.writer.read { db in
            try BucketRecord.filter(sql: "bucketName = ? COLLATE BINARY", arguments: [name]).fetchOne(db)
        }
        guard let found else { throw S3Error.noSuchBucket(name) }
        do {
            try call.principal.requireBucket(found.bucketId)
        } catch let error as B2APIError {
            throw S3Error.accessDenied(error.explanation)
        }
        return found
    }

    /// ListBuckets: every bucket for an unrestricted key; a bucket-restricted key needs `listAllBucketNames`.
    func s3ListBuckets(_ call: S3Call) async throws -> Response {
        let principal = call.principal
        let capabilities = principal.key.capabilityList
        if principal.isBucketRestricted, !capabilities.contains("listAllBucketNames") {
            throw S3Error.accessDenied(
                "Access Denied: this key is restricted to a bucket, and listing buckets needs the listAllBucketNames "
                    + "capability: create the key with listAllBucketNames, or address the bucket directly")
        }
        guard capabilities.contains("listBuckets") || capabilities.contains("listAllBucketNames") else {
            throw S3Error.accessDenied("Access Denied: the key lacks the listBuckets capability")
        }
        let rows = try await database.writer.read { db in
            try BucketRecord.order(BucketRecord.Columns.bucketName).fetchAll(db)
        }
        var xml = S3XMLWriter(root: "ListAllMyBucketsResult")
        xml.begin("Owner")
        xml.element("ID", accountId)
        xml.element("DisplayName", "")
        xml.end()
        xml.begin("Buckets")
        for bucket in rows {
            xml.begin("Bucket")
            xml.element("Name", bucket.bucketName)
            xml.element("CreationDate", S3Time.iso8601(bucket.createdAt))
            xml.end()
        }
        xml.end()
        return S3Router.xml(&xml)
    }

    /// CreateBucket: `x-amz-acl: public-read` makes an `allPublic` bucket; a LocationConstraint must name this
    /// emulator's region.
    func s3CreateBucket(_ call: S3Call) async throws -> Response {
        let principal = call.principal
        try principal.require("writeBuckets")
        if principal.isBucketRestricted {
            throw S3Error.accessDenied("A key restricted to buckets cannot create buckets: use an unrestricted key")
        }
        let name = call.bucketName
        do {
            try NameRules.checkBucketName(name)
        } catch let error as B2APIError {
            throw S3Error(.badRequest, "InvalidBucketName", error.message)
        }
        let body = try await call.request.body.collect(upTo: 64 * 1024)
        if body.readableBytes > 0 {
            let document = try S3XMLElement.parse(Array(body.readableBytesView))
            if let constraint = document.child("LocationConstraint")?.text, !constraint.isEmpty,
                constraint != configuration.region
            {
                throw S3Error(
                    .badRequest, "InvalidLocationConstraint",
                    "The specified location-constraint \(constraint) is not valid: this endpoint is region "
                        + "\(configuration.region)",
                    details: [("Region", configuration.region)])
            }
        }
        let acl = call.request.headers[HTTPField.Name("x-amz-acl")!] ?? "private"
        guard acl == "private" || acl == "public-read" else {
            throw S3Error.invalidArgument("x-amz-acl \(acl) is not supported: use private or public-read")
        }
        let bucket = BucketRecord(
            bucketId: Identifiers.bucketId(), bucketName: name,
            bucketType: acl == "public-read" ? "allPublic" : "allPrivate", bucketInfo: "{}", corsRules: "[]",
            lifecycleRules: "[]", revision: 1, createdAt: clock.nowMillis()
        )
        var settings = BucketSettings()
        if call.request.headers[HTTPField.Name("x-amz-bucket-object-lock-enabled")!]?.lowercased() == "true" {
            try principal.require("writeBucketRetentions")
            settings.lock = BucketLockRecord(bucketId: bucket.bucketId)
        }
        do {
            try await insertBucket(bucket, settings: settings)
        } catch let error as B2APIError where error.code == "duplicate_bucket_name" {
            throw S3Error(
                .conflict, "BucketAlreadyExists",
                "The requested bucket name \(name) is not available: choose another name",
                details: [("BucketName", name)])
        }
        return S3Router.empty(.ok, headers: [.location: "/" + name])
    }

    /// DeleteBucket: only an empty bucket (no versions, hide markers or unfinished uploads), as B2 requires.
    func s3DeleteBucket(_ call: S3Call) async throws -> Response {
        try call.principal.require("deleteBuckets")
        let bucket = try await s3Bucket(call)
        _ = try await removeBucket(bucket.bucketId)
        return S3Router.empty(.noContent)
    }

    /// HeadBucket.
    func s3HeadBucket(_ call: S3Call) async throws -> Response {
        _ = try await s3Bucket(call)
        return S3Router.empty(.ok, headers: [HTTPField.Name("x-amz-bucket-region")!: configuration.region])
    }

    /// GetBucketLocation: the emulator's region.
    func s3GetBucketLocation(_ call: S3Call) async throws -> Response {
        _ = try await s3Bucket(call)
        var xml = S3XMLWriter(root: "LocationConstraint")
        xml.text(configuration.region)
        return S3Router.xml(&xml)
    }

    /// GetBucketVersioning: B2 keeps every version, so versioning is always enabled.
    func s3GetBucketVersioning(_ call: S3Call) async throws -> Response {
        _ = try await s3Bucket(call)
        var xml = S3XMLWriter(root: "VersioningConfiguration")
        xml.element("Status", "Enabled")
        return S3Router.xml(&xml)
    }
}
