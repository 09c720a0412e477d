import B2SigV4
import Foundation
import NIOCore
import Testing

@testable import B2Kit

/// B2's S3 traps, reproduced by the emulator's S3 API and reported by b2kit's S3 client with guidance: the key
/// facts of each message (the right endpoint and region, the missing capability, the master key) are asserted.
@Suite("S3Client against the emulator's S3 API: B2's traps")
struct S3EmulatorTrapTests {
    static let all = [
        "listBuckets", "listAllBucketNames", "readFiles", "writeFiles", "deleteFiles", "listFiles", "writeBuckets",
        "deleteBuckets",
    ]

    static func s3(port: Int, key: B2NewApplicationKey, region: String = "us-west-004") throws -> S3Client {
        try S3Client(
            endpoint: "http://127.0.0.1:\(port)", region: region,
            credentials: SigV4Credentials(accessKeyId: key.applicationKeyId, secretAccessKey: key.applicationKey),
            retryPolicy: RetryPolicy(maximumAttempts: 2, jitter: { 0 }, sleep: { _ in }))
    }

    @Test("the master key: InvalidAccessKeyId, explained as 'not accepted on the S3 API' with how to make a key")
    func masterKey() async throws {
        try await LiveEmulator.run { port in
            let native = LiveEmulator.client(port: port)
            let s3 = try await native.s3Client()
            let error = await #expect(throws: B2Error.self) { _ = try await s3.listBuckets() }
            #expect(error?.context.s3Code == "InvalidAccessKeyId")
            #expect(error?.code == .badCredentials)
            #expect(error?.message.contains("master key is not accepted on the S3 API") == true)
            #expect(error?.message.contains("b2 key create") == true)
            #expect(error?.message.contains(LiveEmulator.keyId) == true)
            #expect(error?.description.contains(LiveEmulator.key) == false)
        }
    }

    @Test("a signature for another region names the region the server expects and its B2 endpoint")
    func wrongRegion() async throws {
        try await LiveEmulator.run { port in
            let native = LiveEmulator.client(port: port)
            let key = try await native.createKey(named: "s3-region", capabilities: Self.all)
            let s3 = try Self.s3(port: port, key: key, region: "eu-central-003")
            let error = await #expect(throws: B2Error.self) { _ = try await s3.listBuckets() }
            #expect(error?.context.s3Code == "AuthorizationHeaderMalformed")
            #expect(error?.code == .configuration)
            #expect(error?.message.contains("expects region us-west-004") == true)
            #expect(error?.message.contains("https://s3.us-west-004.backblazeb2.com") == true)
            #expect(error?.message.contains("sign for region us-west-004") == true)
            // Signed for the right region, the same key works.
            #expect(try await Self.s3(port: port, key: key).listBuckets().isEmpty)
        }
    }

    @Test("a bucket-restricted key without listAllBucketNames: ListBuckets names the capability; the bucket works")
    func restrictedKey() async throws {
        try await LiveEmulator.run { port in
            let native = LiveEmulator.client(port: port)
            let bucket = try await native.createBucket(named: "trap-restricted", type: "allPrivate")
            let key = try await native.createKey(
                named: "s3-restricted", capabilities: ["listBuckets", "listFiles", "readFiles", "writeFiles"],
                buckets: [bucket.bucketId])
            let s3 = try Self.s3(port: port, key: key)
            let error = await #expect(throws: B2Error.self) { _ = try await s3.listBuckets() }
            #expect(error?.context.s3Code == "AccessDenied")
            #expect(error?.code == .missingCapability)
            #expect(error?.message.contains("listAllBucketNames") == true)
            try await s3.putObject(ByteBuffer(string: "inside"), bucket: "trap-restricted", key: "ok.txt")
            var names: [String] = []
            for try await entry in s3.listObjects(bucket: "trap-restricted") { names.append(entry.key) }
            #expect(names == ["ok.txt"])

            let widened = try await native.createKey(
                named: "s3-widened", capabilities: ["listBuckets", "listAllBucketNames", "listFiles"],
                buckets: [bucket.bucketId])
            #expect(try await Self.s3(port: port, key: widened).listBuckets().map(\.name) == ["trap-restricted"])
        }
    }

    @Test("an object written over S3 (in parallel parts) reads back natively, and a native upload reads over S3")
    func crossAPI() async throws {
        try await LiveEmulator.run { port in
            let native = LiveEmulator.client(port: port)
            let key = try await native.createKey(named: "s3-cross", capabilities: Self.all)
            let s3 = try Self.s3(port: port, key: key)
            try await s3.createBucket("cross-api-bucket")
            let bytes = LiveEmulator.bytes(11 << 20, seed: 5)
            let file = try LiveEmulator.temporaryFile(bytes)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let eTag = try await s3.uploadFile(file, bucket: "cross-api-bucket", key: "big é.bin", partSize: 5 << 20)
            #expect(eTag?.hasSuffix("-3") == true)
            var viaNative: [UInt8] = []
            try await native.download(bucketName: "cross-api-bucket", name: "big é.bin") {
                viaNative += $0.readableBytesView
            }
            #expect(viaNative == bytes)

            let bucket = try await native.bucket(named: "cross-api-bucket")
            try await native.upload(.bytes(ByteBuffer(string: "native+s3 = one store")), to: bucket, as: "n/a+b=c.txt")
            var viaS3 = ByteBuffer()
            try await s3.getObject(bucket: "cross-api-bucket", key: "n/a+b=c.txt", range: 7...8) { chunk in
                var chunk = chunk
                viaS3.writeBuffer(&chunk)
            }
            #expect(String(buffer: viaS3) == "s3")
            var folders: [String] = []
            for try await entry in s3.listObjects(bucket: "cross-api-bucket", delimiter: "/") {
                folders.append(entry.key)
            }
            #expect(folders == ["big é.bin", "n/"])
        }
    }
}
