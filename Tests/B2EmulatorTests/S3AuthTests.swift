import B2SigV4
import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import B2Emulator

@Suite("S3 API: authentication and B2's traps")
struct S3AuthTests {
    @Test("A tampered signature answers 403 SignatureDoesNotMatch; unknown keys InvalidAccessKeyId; SigV2 is refused")
    func badSignatures() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            let s3 = try await S3TestClient.make(native)
            #expect(try await s3.send(.get, "/").status == .ok)
            let tampered = try await s3.send(.get, "/") { fields in
                fields[.authorization] = fields[.authorization].map { String($0.dropLast(4)) + "0000" }
            }
            #expect(tampered.status == .forbidden)
            #expect(tampered.code == "SignatureDoesNotMatch")
            var wrongSecret = s3
            wrongSecret = S3TestClient(client: s3.client, keyId: s3.keyId, secret: s3.secret + "x")
            #expect(try await wrongSecret.send(.get, "/").code == "SignatureDoesNotMatch")
            let unsigned = try await native.send("/", method: .get)
            #expect(unsigned.status == .notFound)
            #expect(unsigned.message.contains("AWS Signature Version 4"))
            let sigV2 = try await native.send("/", method: .get, headers: [.authorization: "AWS key:signature"])
            #expect(sigV2.status == .badRequest)
            #expect(
                S3Reply(status: sigV2.status, headers: sigV2.headers, body: sigV2.body).code
                    == "AuthorizationHeaderMalformed")
            let unknown = S3TestClient(client: s3.client, keyId: "000nosuchkey0000000000000", secret: "x")
            #expect(try await unknown.send(.get, "/").code == "InvalidAccessKeyId")
        }
    }

    @Test("The master key is refused as B2 refuses it: 403 InvalidAccessKeyId, Malformed Access Key Id")
    func masterKey() async throws {
        try await EmulatorHarness.run { base in
            let master = S3TestClient(client: base.client, keyId: EmulatorHarness.keyId, secret: EmulatorHarness.key)
            let reply = try await master.send(.get, "/")
            #expect(reply.status == .forbidden)
            #expect(reply.code == "InvalidAccessKeyId")
            #expect(reply.message.hasPrefix("Malformed Access Key Id"))
        }
    }

    @Test("A credential scope in another region answers AuthorizationHeaderMalformed naming the expected region")
    func wrongRegion() async throws {
        try await EmulatorHarness.run(configure: { $0.region = "eu-central-003" }) { base in
            var native = base
            _ = try await native.authorize()
            var s3 = try await S3TestClient.make(native)
            s3.region = "us-west-004"
            let reply = try await s3.send(.get, "/")
            #expect(reply.status == .badRequest)
            #expect(reply.code == "AuthorizationHeaderMalformed")
            #expect(reply.message.contains("expecting 'eu-central-003'"))
            #expect(reply.xml?.child("Region")?.text == "eu-central-003")
            s3.region = "eu-central-003"
            #expect(try await s3.send(.get, "/").status == .ok)
            let location = try await s3.send(.put, "/eu-bucket-1")
            #expect(location.status == .ok)
            #expect(try await s3.send(.get, "/eu-bucket-1", query: [("location", "")]).xml?.text == "eu-central-003")
        }
    }

    @Test("Presigned URLs work until they expire; a changed query breaks the signature")
    func presigned() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            _ = try await native.createBucket("presign-bucket")
            let s3 = try await S3TestClient.make(native)
            let data = Array("presigned".utf8)
            try await s3.put("/presign-bucket/p q.txt", data)
            let target = s3.presignedTarget("/presign-bucket/p q.txt")
            #expect(try await native.send(target, method: .get).bytes == data)
            let changed = try await native.send(
                target.replacingOccurrences(of: "X-Amz-Expires=300", with: "X-Amz-Expires=30"), method: .get)
            #expect(changed.status == .forbidden)
            let old = s3.presignedTarget("/presign-bucket/p q.txt", expires: 60, date: Date().addingTimeInterval(-3600))
            let expired = try await native.send(old, method: .get)
            #expect(expired.status == .forbidden)
            #expect(
                S3Reply(status: expired.status, headers: expired.headers, body: expired.body).code == "AccessDenied")
        }
    }

    @Test("A bucket-restricted key lists buckets only with listAllBucketNames; its bucket and prefix limits apply")
    func restrictedKeys() async throws {
        try await EmulatorHarness.run { base in
            var native = base
            _ = try await native.authorize()
            let mine = try await native.createBucket("mine-bucket")
            _ = try await native.createBucket("other-bucket")
            let restricted = try await S3TestClient.make(
                native, capabilities: ["listBuckets", "listFiles", "readFiles", "writeFiles"], bucketIds: [mine],
                namePrefix: "p/")
            let denied = try await restricted.send(.get, "/")
            #expect(denied.status == .forbidden)
            #expect(denied.code == "AccessDenied")
            #expect(denied.message.contains("listAllBucketNames"))
            let listing = try await S3TestClient.make(
                native, capabilities: ["listBuckets", "listAllBucketNames"], bucketIds: [mine])
            let names = try await listing.send(.get, "/").xml?.child("Buckets")?.children("Bucket").compactMap {
                $0.child("Name")?.text
            }
            #expect(names == ["mine-bucket", "other-bucket"])
            try await restricted.put("/mine-bucket/p/ok", [1])
            #expect(try await restricted.send(.put, "/mine-bucket/elsewhere", body: [1]).code == "AccessDenied")
            #expect(try await restricted.send(.get, "/other-bucket/p/x").code == "AccessDenied")
            #expect(try await restricted.send(.delete, "/mine-bucket/p/ok").message.contains("deleteFiles"))
        }
    }
}
