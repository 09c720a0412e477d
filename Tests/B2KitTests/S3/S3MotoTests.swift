import AsyncHTTPClient
import B2SigV4
import Foundation
import MotoSupport
import NIOCore
import Synchronization
import Testing

@testable import B2Kit

/// b2kit's S3 client against moto's S3 server with signature checking on (see ``MotoServer``): every request is
/// signed with a key moto's IAM created, so a signing mistake fails the test.
@Suite(
    "S3Client against moto (signature checking on)",
    .enabled(
        if: MotoServer.shouldRun, "moto is not installed: scripts/install-peers installs it (set CI to require it)"),
    .timeLimit(.minutes(5))
)
struct S3MotoTests {
    static func bytes(_ count: Int, seed: UInt64) -> ByteBuffer {
        ByteBuffer(bytes: LiveEmulator.bytes(count, seed: seed))
    }

    static func get(_ client: S3Client, _ bucket: String, _ key: String, range: ClosedRange<Int64>? = nil)
        async throws -> ByteBuffer
    {
        var collected = ByteBuffer()
        try await client.getObject(bucket: bucket, key: key, range: range) { chunk in
            var chunk = chunk
            collected.writeBuffer(&chunk)
        }
        return collected
    }

    @Test("buckets, puts, ranged gets, listings with continuation and delimiter, copy, deletes")
    func objectLifecycle() async throws {
        try await MotoServer.run { moto in
            let s3 = try moto.client()
            let bucket = "b2kit-moto-objects"
            try await s3.createBucket(bucket)
            #expect(try await s3.listBuckets().map(\.name).contains(bucket))

            // moto's own verifier recomputes signatures from a re-quoted URL, so it rejects even boto3's correctly
            // signed requests whose key holds é + = & ' ( and the like, or whose query holds a '/' (prefix=dir/,
            // delimiter=/); the botocore vectors in B2SigV4Tests cover those. Spaces, ~ and - survive moto's round
            // trip, so the folder listing here uses '~' as its delimiter.
            let keys = ["a.txt", "dir~with space -.txt", "dir~sub~deep.bin", "dir~z_q.txt", "zeta"]
            for (index, key) in keys.enumerated() {
                let etag = try await s3.putObject(
                    Self.bytes(100 + index, seed: UInt64(index)), bucket: bucket, key: key, contentType: "text/plain",
                    metadata: ["origin": "b2kit"])
                #expect(etag?.isEmpty == false)
            }
            let head = try #require(try await s3.headObject(bucket: bucket, key: keys[1]))
            #expect(head.contentLength == 101)
            #expect(head.metadata["origin"] == "b2kit")
            #expect(try await s3.headObject(bucket: bucket, key: "missing") == nil)

            #expect(try await Self.get(s3, bucket, keys[1]) == Self.bytes(101, seed: 1))
            let range = try await Self.get(s3, bucket, keys[1], range: 10...19)
            #expect(range == Self.bytes(101, seed: 1).getSlice(at: 10, length: 10))

            var paged: [String] = []
            for try await entry in s3.listObjects(bucket: bucket, pageSize: 2) { paged.append(entry.key) }
            #expect(paged == keys.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) })

            var folder: [S3Object] = []
            for try await entry in s3.listObjects(bucket: bucket, prefix: "dir~", delimiter: "~") {
                folder.append(entry)
            }
            #expect(folder.map(\.key) == ["dir~sub~", "dir~with space -.txt", "dir~z_q.txt"])
            #expect(folder.map(\.isCommonPrefix) == [true, false, false])

            try await s3.copyObject(sourceBucket: bucket, sourceKey: keys[1], bucket: bucket, key: "copy of this.txt")
            #expect(try await Self.get(s3, bucket, "copy of this.txt") == Self.bytes(101, seed: 1))

            let failures = try await s3.deleteObjects(bucket: bucket, keys: [keys[0], keys[3]])
            #expect(failures.isEmpty)
            #expect(try await s3.headObject(bucket: bucket, key: keys[3]) == nil)

            let notFound = await #expect(throws: B2Error.self) { _ = try await Self.get(s3, bucket, "missing") }
            #expect(notFound?.code == .notFound)
            #expect(notFound?.context.s3Code == "NoSuchKey")

            let notEmpty = await #expect(throws: B2Error.self) { try await s3.deleteBucket(bucket) }
            #expect(notEmpty?.context.s3Code == "BucketNotEmpty")
            #expect(notEmpty?.message.contains("b2kit rm --recursive s3://\(bucket)/") == true)

            for key in [keys[1], keys[2], keys[4], "copy of this.txt"] {
                try await s3.deleteObject(bucket: bucket, key: key)
            }
            try await s3.deleteBucket(bucket)
            #expect(try await !s3.listBuckets().map(\.name).contains(bucket))
        }
    }

    @Test("files stream up and down; large ones as parallel multipart parts; list parts and abort")
    func filesAndMultipart() async throws {
        try await MotoServer.run { moto in
            let s3 = try moto.client()
            let bucket = "b2kit-moto-multipart"
            try await s3.createBucket(bucket)
            let small = try LiveEmulator.temporaryFile(LiveEmulator.bytes(300_000, seed: 7))
            let large = try LiveEmulator.temporaryFile(LiveEmulator.bytes(12 << 20, seed: 8))
            let target = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-s3-\(UUID())").path
            defer {
                for path in [small, large, target] { try? FileManager.default.removeItem(atPath: path) }
            }

            try await s3.putObject(file: small, bucket: bucket, key: "small.bin")
            try await s3.download(bucket: bucket, key: "small.bin", to: target)
            #expect(FileManager.default.contentsEqual(atPath: small, andPath: target))

            let sent = SentBytes()
            let etag = try await s3.uploadFile(
                large, bucket: bucket, key: "large.bin", partSize: 5 << 20, concurrency: 2,
                progress: { sent.record($0) })
            // A multipart ETag is "<md5 of the part md5s>-<part count>": three parts of 5, 5 and 2 MiB.
            #expect(etag?.hasSuffix("-3") == true)
            #expect(sent.last == 12 << 20)
            try await s3.download(bucket: bucket, key: "large.bin", to: target)
            #expect(FileManager.default.contentsEqual(atPath: large, andPath: target))

            let uploadId = try await s3.createMultipartUpload(bucket: bucket, key: "abandoned.bin")
            let part = try await s3.uploadPart(
                Self.bytes(5 << 20, seed: 9), bucket: bucket, key: "abandoned.bin", uploadId: uploadId, partNumber: 1)
            let listed = try await s3.listParts(bucket: bucket, key: "abandoned.bin", uploadId: uploadId)
            #expect(listed.map(\.partNumber) == [1])
            #expect(listed.first?.eTag == part.eTag)
            #expect(listed.first?.size == 5 << 20)
            try await s3.abortMultipartUpload(bucket: bucket, key: "abandoned.bin", uploadId: uploadId)
            let gone = await #expect(throws: B2Error.self) {
                _ = try await s3.listParts(bucket: bucket, key: "abandoned.bin", uploadId: uploadId)
            }
            #expect(gone?.context.s3Code == "NoSuchUpload")
            #expect(try await s3.headObject(bucket: bucket, key: "abandoned.bin") == nil)
        }
    }

    @Test("a wrong secret fails with SignatureDoesNotMatch, an unknown key id with InvalidAccessKeyId")
    func wrongCredentials() async throws {
        try await MotoServer.run { moto in
            let wrongSecret = "wrong-secret-0123456789"
            let bad = try moto.client(secret: wrongSecret)
            let mismatch = await #expect(throws: B2Error.self) { _ = try await bad.listBuckets() }
            #expect(mismatch?.context.s3Code == "SignatureDoesNotMatch")
            #expect(mismatch?.code == .badCredentials)
            #expect(mismatch?.context.httpStatus == 403)
            #expect(mismatch?.description.contains(wrongSecret) == false)
            #expect(mismatch?.description.contains(moto.credentials.secretAccessKey) == false)

            let unknown = try moto.client(keyId: "AKIANOTAREALKEY00000")
            let invalid = await #expect(throws: B2Error.self) { _ = try await unknown.listBuckets() }
            #expect(invalid?.context.s3Code == "InvalidAccessKeyId")
            #expect(invalid?.message.contains("master key is not accepted on the S3 API") == true)

            // The right key still works on the same server: the failures were the signatures, not the server.
            #expect(try await moto.client().listBuckets().isEmpty)
        }
    }
}

/// Records the last progress value reported.
final class SentBytes: Sendable {
    private let value = Mutex<Int64>(0)
    func record(_ bytes: Int64) { value.withLock { $0 = max($0, bytes) } }
    var last: Int64 { value.withLock { $0 } }
}
