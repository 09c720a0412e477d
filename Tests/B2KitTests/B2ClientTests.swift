import AsyncHTTPClient
import B2Emulator
import B2SigV4
import Crypto
import Foundation
import NIOCore
import Testing

@testable import B2Kit

@Suite("B2Client against the emulator")
struct B2ClientTests {
    static func sha1(_ bytes: [UInt8]) -> String { Hex.string(Insecure.SHA1.hash(data: bytes)) }

    /// Starts a large file by hand, recording `largeFileSha1` as its whole-file SHA-1; returns its id.
    static func startLargeFile(
        _ client: B2Client, in bucket: B2Bucket, named name: String, largeFileSha1: String
    ) async throws -> String {
        let started: B2FileVersion = try await client.call(
            "b2_start_large_file",
            [
                "bucketId": .string(bucket.bucketId), "fileName": .string(name), "contentType": "b2/x-auto",
                "fileInfo": ["large_file_sha1": .string(largeFileSha1)],
            ],
            operation: "start"
        )
        return try #require(started.fileId)
    }

    /// Sends bytes `range` of the file at `path` as part `number` of the large file `fileId`.
    @discardableResult
    static func sendPart(
        _ client: B2Client, of fileId: String, number: Int, from path: String, range: Range<Int64>
    ) async throws -> B2Wire.Part {
        try await client.sendUpload(
            scope: fileId, operation: "part", context: .init(),
            fetchTarget: {
                try await client.call(
                    "b2_get_upload_part_url", ["fileId": .string(fileId)], operation: "url",
                    as: B2Wire.UploadTarget.self
                )
            },
            headers: [("X-Bz-Part-Number", "\(number)")], source: .file(path), range: range,
            meter: ProgressMeter(report: nil)
        )
    }

    @Test("Authorization reports URLs, part sizes and capabilities")
    func account() async throws {
        try await LiveEmulator.run { port in
            let account = try await LiveEmulator.client(port: port).account()
            #expect(account.apiURL == "http://127.0.0.1:\(port)")
            #expect(account.recommendedPartSize == 1_000_000)
            #expect(account.has("writeFiles"))
            #expect(account.allowedBuckets == nil)
        }
    }

    @Test("A wrong key is refused with what to check, and the secret never appears")
    func badKey() async throws {
        try await LiveEmulator.run { port in
            let client = LiveEmulator.client(port: port, key: "s3cr3t-wrong-value")
            await #expect { try await client.account() } throws: { error in
                guard let error = error as? B2Error else { return false }
                return error.code == .badCredentials && error.message.contains("B2_APPLICATION_KEY")
                    && !error.description.contains("s3cr3t-wrong-value")
            }
        }
    }

    @Test("Buckets: create, look up (with a case hint), list, delete")
    func buckets() async throws {
        try await LiveEmulator.run { port in
            let client = LiveEmulator.client(port: port)
            let created = try await client.createBucket(named: "Kit-Bucket")
            #expect(try await client.bucket(named: "Kit-Bucket") == created)
            await #expect { try await client.bucket(named: "kit-bucket") } throws: { error in
                (error as? B2Error)?.code == .notFound && (error as? B2Error)?.message.contains("Kit-Bucket") == true
            }
            await #expect { try await client.createBucket(named: "Kit-Bucket") } throws: { error in
                (error as? B2Error)?.code == .alreadyExists
            }
            #expect(try await client.listBuckets().map(\.bucketName) == ["Kit-Bucket"])
            try await client.deleteBucket(named: "Kit-Bucket")
            #expect(try await client.listBuckets().isEmpty)
        }
    }

    @Test("Small uploads from bytes and files round-trip with their SHA-1; listings page")
    func smallRoundTrip() async throws {
        try await LiveEmulator.run { port in
            let client = LiveEmulator.client(port: port)
            let bucket = try await client.createBucket(named: "small-bucket")
            let data = LiveEmulator.bytes(300_000)
            let fromBytes = try await client.upload(.bytes(ByteBuffer(bytes: data)), to: bucket, as: "a/bytes.bin")
            #expect(fromBytes.contentSha1 == Self.sha1(data))
            let path = try LiveEmulator.temporaryFile(data)
            let fromFile = try await client.upload(.file(path), to: bucket, as: "a/héllo wörld+.bin")
            #expect(fromFile.contentSha1 == Self.sha1(data))
            #expect(fromFile.fileInfo?["src_last_modified_millis"] != nil)
            let info = try await client.fileInfo(id: try #require(fromFile.fileId))
            #expect(info.fileName == "a/héllo wörld+.bin")
            #expect(info.contentLength == Int64(data.count))
            #expect(info.contentSha1 == Self.sha1(data))
            #expect(info.fileInfo?["src_last_modified_millis"] == fromFile.fileInfo?["src_last_modified_millis"])
            for index in 0..<5 {
                try await client.upload(.bytes(ByteBuffer(string: "\(index)")), to: bucket, as: "b/\(index)")
            }
            var names: [String] = []
            for try await file in try await client.listFiles(in: bucket, pageSize: 2) { names.append(file.fileName) }
            #expect(names == ["a/bytes.bin", "a/héllo wörld+.bin", "b/0", "b/1", "b/2", "b/3", "b/4"])
            var folders: [String] = []
            for try await entry in try await client.listFiles(in: bucket, delimiter: "/") {
                folders.append("\(entry.action) \(entry.fileName)")
            }
            #expect(folders == ["folder a/", "folder b/"])

            var received: [UInt8] = []
            let result = try await client.download(bucketName: "small-bucket", name: "a/héllo wörld+.bin") {
                received += $0.readableBytesView
            }
            #expect(received == data)
            #expect(result.sha1 == Self.sha1(data))
            var slice: [UInt8] = []
            try await client.download(bucketName: "small-bucket", name: "a/bytes.bin", range: 10...19) {
                slice += $0.readableBytesView
            }
            #expect(slice == Array(data[10...19]))
            let target = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-dl-\(UUID())").path
            try await client.download(bucketName: "small-bucket", name: "a/bytes.bin", to: target)
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(data))
        }
    }

    @Test("Hide, delete one version, server-side copy, and the friendly URL, which downloads with the account's token")
    func hideDeleteCopyURL() async throws {
        try await LiveEmulator.run { port in
            let client = LiveEmulator.client(port: port)
            let bucket = try await client.createBucket(named: "versions-bucket")
            let other = try await client.createBucket(named: "copies-bucket")
            let first = try await client.upload(.bytes(ByteBuffer(string: "one")), to: bucket, as: "dir/a é.txt")
            let second = try await client.upload(.bytes(ByteBuffer(string: "two")), to: bucket, as: "dir/a é.txt")
            /// Each version of the bucket, newest first per name: "action name".
            @Sendable func versions(_ bucket: B2Bucket) async throws -> [String] {
                var seen: [String] = []
                for try await version in try await client.listFiles(in: bucket, versions: true) {
                    seen.append("\(version.action) \(version.fileName)")
                }
                return seen
            }

            // A server-side copy carries the bytes and SHA-1 into another bucket.
            let copy = try await client.copyFile(second, to: "copied/b.txt", in: other)
            #expect(copy.contentSha1 == second.contentSha1)
            var copied = ""
            try await client.download(bucketName: "copies-bucket", name: "copied/b.txt") {
                copied += String(buffer: $0)
            }
            #expect(copied == "two")

            // The friendly URL is downloadUrl/file/BUCKET/NAME, the name percent-encoded, and serves the file.
            let url = try await client.downloadURL(bucketName: "versions-bucket", fileName: "dir/a é.txt")
            let account = try await client.account()
            #expect(url == "\(account.downloadURL)/file/versions-bucket/dir/a%20%C3%A9.txt")
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Authorization", value: account.authorizationToken)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status == .ok)
            #expect(String(buffer: try await response.body.collect(upTo: 1024)) == "two")

            // Hiding makes the name answer 404; both uploads stay as versions under the hide marker.
            try await client.hideFile(in: bucket, named: "dir/a é.txt")
            #expect(try await client.fileVersion(in: bucket, named: "dir/a é.txt") == nil)
            await #expect {
                try await client.download(bucketName: "versions-bucket", name: "dir/a é.txt") { _ in }
            } throws: { error in
                (error as? B2Error)?.code == .notFound
            }
            #expect(try await versions(bucket) == ["hide dir/a é.txt", "upload dir/a é.txt", "upload dir/a é.txt"])

            // Deleting one version leaves the others; the first upload is still readable by its id.
            try await client.deleteFileVersion(second, in: bucket)
            #expect(try await versions(bucket) == ["hide dir/a é.txt", "upload dir/a é.txt"])
            #expect(try await client.fileInfo(id: try #require(first.fileId)).contentSha1 == first.contentSha1)
            await #expect { try await client.fileInfo(id: try #require(second.fileId)) } throws: { error in
                (error as? B2Error)?.code == .notFound
            }
        }
    }

    @Test("Large files go up in parallel parts and come down on one fast stream or in parallel ranges, byte-identical")
    func largeRoundTrip() async throws {
        try await LiveEmulator.run { port in
            let counting = CountingTransport()
            let client = LiveEmulator.client(port: port, transport: counting)
            let bucket = try await client.createBucket(named: "large-bucket")
            let data = LiveEmulator.bytes(20_000_000, seed: 9)
            let path = try LiveEmulator.temporaryFile(data)
            let version = try await client.upload(.file(path), to: bucket, as: "big.bin", partSize: 2_000_000)
            #expect(version.contentSha1 == "none")
            #expect(version.fileInfo?["large_file_sha1"] == Self.sha1(data))
            #expect(counting.count("upload_part") == 10)
            let target = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-big-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: target) }
            // A first stream slower than the rate asked for is cut at the piece boundary after its first piece (of
            // the recommended 1 MB): the rest comes as one ranged request per piece.
            let result = try await client.download(
                bucketName: "large-bucket", name: "big.bin", to: target, singleStreamRate: .infinity)
            #expect(result.sha1 == Self.sha1(data))
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(data))
            let pieces = counting.count("ranged")
            #expect(pieces >= 19 && pieces <= 20, "the first stream and 18 or 19 pieces, not \(pieces)")
            // A first stream at the rate asked for carries the whole file.
            try FileManager.default.removeItem(atPath: target)
            let single = try await client.download(
                bucketName: "large-bucket", name: "big.bin", to: target, singleStreamRate: 0)
            #expect(single.sha1 == Self.sha1(data))
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(data))
            #expect(counting.count("ranged") == pieces + 1)
        }
    }

    @Test("An unfinished large file of the same content is resumed: finished parts are not sent again")
    func resume() async throws {
        try await LiveEmulator.run { port in
            let counting = CountingTransport()
            let client = LiveEmulator.client(port: port, transport: counting)
            let bucket = try await client.createBucket(named: "resume-bucket")
            let data = LiveEmulator.bytes(3_000_000, seed: 4)
            let path = try LiveEmulator.temporaryFile(data)
            // Start the upload as an interrupted run would have: the file started and part 1 sent.
            let fileId = try await Self.startLargeFile(
                client, in: bucket, named: "resumed.bin", largeFileSha1: Self.sha1(data))
            try await Self.sendPart(client, of: fileId, number: 1, from: path, range: 0..<1_000_000)
            let before = counting.count("upload_part")
            let version = try await client.upload(.file(path), to: bucket, as: "resumed.bin", partSize: 1_000_000)
            #expect(version.fileId == fileId)
            #expect(counting.count("upload_part") - before == 2)
            var received: [UInt8] = []
            try await client.download(bucketName: "resume-bucket", name: "resumed.bin") {
                received += $0.readableBytesView
            }
            #expect(received == data)
        }
    }

    @Test("Bytes that do not hash to B2's SHA-1 fail the download, streamed or in pieces, and leave no file behind")
    func integrityMismatch() async throws {
        try await LiveEmulator.run { port in
            let client = LiveEmulator.client(port: port)
            let bucket = try await client.createBucket(named: "mismatch-bucket")
            let data = LiveEmulator.bytes(3_000_000, seed: 21)
            let path = try LiveEmulator.temporaryFile(data)
            // A large file whose large_file_sha1 names other bytes.
            let fileId = try await Self.startLargeFile(
                client, in: bucket, named: "lying.bin", largeFileSha1: Self.sha1(Array(data.reversed())))
            var sha1s: [String] = []
            for part in 0..<3 {
                let range = part * 1_000_000..<(part + 1) * 1_000_000
                let sent = try await Self.sendPart(
                    client, of: fileId, number: part + 1, from: path,
                    range: Int64(range.lowerBound)..<Int64(range.upperBound))
                #expect(sent.contentSha1 == Self.sha1(Array(data[range])))
                sha1s.append(Self.sha1(Array(data[range])))
            }
            let _: B2FileVersion = try await client.call(
                "b2_finish_large_file", ["fileId": .string(fileId), "partSha1Array": .strings(sha1s)],
                operation: "finish")
            let streamed = await #expect(throws: B2Error.self) {
                try await client.download(bucketName: "mismatch-bucket", name: "lying.bin") { _ in }
            }
            #expect(streamed?.code == .integrity)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-lie-\(UUID())").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            // 3 MB in pieces of the recommended 1 MB, on one stream hashed from the file, and on one stream hashed
            // as it arrives.
            for (concurrency, rate) in [(4, Double.infinity), (4, 0), (1, 0)] {
                let pieces = await #expect(throws: B2Error.self) {
                    try await client.download(
                        bucketName: "mismatch-bucket", name: "lying.bin", to: folder + "/lying.bin",
                        concurrency: concurrency, singleStreamRate: rate)
                }
                #expect(pieces?.code == .integrity)
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [])
            }
        }
    }

    @Test("Under 10% injected faults every transfer is byte-identical")
    func faults() async throws {
        let plan = try FaultPlan(
            parsing: "seed=3;retry-after=0;500:0.03;503:0.03;429:0.02;expired:0.02;drop:0.01;truncate:0.05@download"
        )
        try await LiveEmulator.run(configure: { $0.faults = plan }) { port in
            let client = LiveEmulator.client(port: port)
            let bucket = try await client.createBucket(named: "fault-bucket")
            for index in 0..<12 {
                let data = LiveEmulator.bytes(50_000 + index * 1000, seed: UInt64(index))
                try await client.upload(.bytes(ByteBuffer(bytes: data)), to: bucket, as: "f\(index)")
                var received: [UInt8] = []
                try await client.download(bucketName: "fault-bucket", name: "f\(index)") {
                    received += $0.readableBytesView
                }
                #expect(received == data)
            }
            let large = LiveEmulator.bytes(4_000_000, seed: 77)
            let path = try LiveEmulator.temporaryFile(large)
            try await client.upload(.file(path), to: bucket, as: "large", partSize: 500_000)
            var received: [UInt8] = []
            try await client.download(bucketName: "fault-bucket", name: "large") { received += $0.readableBytesView }
            #expect(received == large)
            // The same file straight to a file, on one stream and in parallel ranged pieces.
            for rate in [0, Double.infinity] {
                let target = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-f-\(UUID())").path
                defer { try? FileManager.default.removeItem(atPath: target) }
                try await client.download(bucketName: "fault-bucket", name: "large", to: target, singleStreamRate: rate)
                #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(large), "rate \(rate)")
            }
        }
    }

    @Test("Tokens that expire in the middle of part uploads and range downloads are renewed and the transfer completes")
    func expiryMidTransfer() async throws {
        let plan = try FaultPlan(parsing: "seed=8;expired:0.4@b2_upload_part+download")
        try await LiveEmulator.run(configure: { $0.faults = plan }) { port in
            let counting = CountingTransport()
            let client = LiveEmulator.client(port: port, transport: counting)
            let bucket = try await client.createBucket(named: "expiry-bucket")
            let data = LiveEmulator.bytes(6_000_000, seed: 12)
            let path = try LiveEmulator.temporaryFile(data)
            let version = try await client.upload(
                .file(path), to: bucket, as: "e.bin", partSize: 500_000, concurrency: 3)
            #expect(version.fileInfo?["large_file_sha1"] == Self.sha1(data))
            var received: [UInt8] = []
            try await client.download(bucketName: "expiry-bucket", name: "e.bin") { received += $0.readableBytesView }
            #expect(received == data)
            let target = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-e-\(UUID())").path
            try await client.download(
                bucketName: "expiry-bucket", name: "e.bin", to: target, singleStreamRate: .infinity)
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(data))
            #expect(counting.count("ranged") >= 6)
            #expect(counting.count("b2_authorize_account") > 1)
        }
    }

    @Test("An expired token is renewed once for all concurrent callers")
    func singleFlightRenewal() async throws {
        try await LiveEmulator.run(configure: {
            $0.faults = try? FaultPlan(parsing: "seed=1;expired:1@b2_list_buckets")
        }) {
            port in
            let counting = CountingTransport()
            let client = LiveEmulator.client(port: port, transport: counting)
            _ = try await client.account()
            let account = try await client.account()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask { _ = try? await client.session.renew(replacing: account.authorizationToken) }
                }
                try await group.waitForAll()
            }
            #expect(counting.count("b2_authorize_account") == 2)
        }
    }

    @Test("Restricted keys fail early with the capability or restriction to fix")
    func restrictions() async throws {
        try await LiveEmulator.run { port in
            let admin = LiveEmulator.client(port: port)
            let bucket = try await admin.createBucket(named: "scoped-kit")
            _ = try await admin.createBucket(named: "other-kit")
            let key: KeyReply = try await admin.call(
                "b2_create_key",
                [
                    "accountId": .string(try await admin.account().accountId),
                    "capabilities": .strings(["listBuckets", "listFiles", "readFiles"]), "keyName": "reader",
                    "bucketIds": .strings([bucket.bucketId]), "namePrefix": "p/",
                ],
                operation: "create key"
            )
            let reader = LiveEmulator.client(port: port, keyId: key.applicationKeyId, key: key.applicationKey)
            let scoped = try await reader.bucket(named: "scoped-kit")
            await #expect { try await reader.upload(.bytes(ByteBuffer(string: "x")), to: scoped, as: "p/x") } throws: {
                error in
                (error as? B2Error)?.code == .missingCapability
                    && (error as? B2Error)?.message.contains("writeFiles") == true
            }
            await #expect { try await reader.listFiles(in: scoped, prefix: "q/") } throws: { error in
                (error as? B2Error)?.code == .restricted && (error as? B2Error)?.message.contains("\"p/\"") == true
            }
            await #expect { try await reader.bucket(named: "other-kit") } throws: { error in
                (error as? B2Error)?.code == .restricted && (error as? B2Error)?.message.contains("scoped-kit") == true
            }
        }
    }

    struct KeyReply: Decodable {
        let applicationKeyId: String
        let applicationKey: String
    }
}

@Suite("B2Client keys and bucket updates")
struct B2ClientKeyTests {
    @Test("Keys are created, listed without secrets, used, and deleted; bucket updates honour revisions")
    func keysAndUpdates() async throws {
        try await LiveEmulator.run { port in
            let admin = LiveEmulator.client(port: port)
            let bucket = try await admin.createBucket(named: "keys-bucket")
            let key = try await admin.createKey(
                named: "lister", capabilities: ["listBuckets", "listFiles"], buckets: [bucket.bucketId],
                namePrefix: "a/"
            )
            #expect(try await admin.listKeys().map(\.keyName) == ["lister"])
            let lister = LiveEmulator.client(port: port, keyId: key.applicationKeyId, key: key.applicationKey)
            #expect(try await lister.account().namePrefix == "a/")
            try await admin.deleteKey(id: key.applicationKeyId)
            #expect(try await admin.listKeys().isEmpty)

            let updated = try await admin.updateBucket(
                named: "keys-bucket", type: "allPublic", ifRevisionIs: bucket.revision)
            #expect(updated.bucketType == "allPublic")
            await #expect {
                try await admin.updateBucket(named: "keys-bucket", type: "allPrivate", ifRevisionIs: bucket.revision)
            } throws: { error in
                (error as? B2Error)?.code == .conflict
            }
        }
    }
}
