import Testing

@testable import B2Emulator

@Suite("Application keys and restrictions")
struct KeyTests {
    @Test("A key restricted to a bucket and prefix may list and read inside it, nothing else")
    func restrictedKey() async throws {
        try await EmulatorHarness.run { base in
            var admin = base
            _ = try await admin.authorize()
            let bucketId = try await admin.createBucket("scoped-bucket")
            let otherId = try await admin.createBucket("other-bucket")
            _ = try await admin.upload(bucketId: bucketId, name: "p/in.txt", data: [1])
            _ = try await admin.upload(bucketId: bucketId, name: "q/out.txt", data: [2])
            let key = try await admin.ok(
                "b2_create_key",
                [
                    "accountId": "a", "capabilities": ["listBuckets", "listFiles", "readFiles"], "keyName": "reader",
                    "bucketIds": [.string(bucketId)], "namePrefix": "p/", "validDurationInSeconds": nil,
                ]
            )
            #expect(key["bucketIds"] == [.string(bucketId)])
            let secret = try #require(key["applicationKey"]?.stringValue)
            let keyId = try #require(key["applicationKeyId"]?.stringValue)

            var reader = base
            let auth = try await reader.authorize(keyId: keyId, key: secret).json
            let allowed = auth["apiInfo"]?["storageApi"]?["allowed"]
            #expect(allowed?["buckets"] == [["id": .string(bucketId), "name": "scoped-bucket"]])
            #expect(allowed?["namePrefix"] == "p/")

            let inside = try await reader.ok("b2_list_file_names", ["bucketId": .string(bucketId), "prefix": "p/"])
            #expect(inside["files"]!.arrayValue.map { $0["fileName"]!.stringValue! } == ["p/in.txt"])
            #expect(try await reader.download(bucket: "scoped-bucket", name: "p/in.txt").bytes == [1])

            let outsidePrefix = try await reader.call(
                "b2_list_file_names", ["bucketId": .string(bucketId), "prefix": "q/"])
            #expect(outsidePrefix.code == "unauthorized")
            #expect(try await reader.download(bucket: "scoped-bucket", name: "q/out.txt").code == "unauthorized")
            #expect(
                try await reader.call("b2_list_file_names", ["bucketId": .string(otherId), "prefix": "p/"]).code
                    == "unauthorized")
            let write = try await reader.call("b2_get_upload_url", ["bucketId": .string(bucketId)])
            #expect(write.code == "unauthorized")
            // B2 leaves the message of `unauthorized` empty (b2sdk writes its own from the key's restrictions);
            // the emulator's explanation is a field of its own.
            #expect(write.message == "")
            #expect(write.guidance.contains("writeFiles"))
            #expect(try await reader.call("b2_list_buckets", ["accountId": "a"]).code == "unauthorized")
            let named = try await reader.ok("b2_list_buckets", ["accountId": "a", "bucketName": "scoped-bucket"])
            #expect(named["buckets"]!.arrayValue.count == 1)

            var old = base
            old.version = 3
            let v3 = try await old.authorize(keyId: keyId, key: secret).json
            #expect(v3["apiInfo"]?["storageApi"]?["bucketId"]?.stringValue == bucketId)
        }
    }

    @Test("Keys list, delete (revoking their tokens) and check their input")
    func lifecycle() async throws {
        try await EmulatorHarness.run { base in
            var admin = base
            _ = try await admin.authorize()
            let key = try await admin.ok(
                "b2_create_key", ["accountId": "a", "capabilities": ["listBuckets"], "keyName": "temp"]
            )
            let keyId = key["applicationKeyId"]!.stringValue!
            var holder = base
            _ = try await holder.authorize(keyId: keyId, key: key["applicationKey"]!.stringValue!)
            #expect(try await holder.call("b2_list_buckets", ["accountId": "a"]).status == .ok)
            let listed = try await admin.ok("b2_list_keys", ["accountId": "a", "maxKeyCount": 1000])
            #expect(listed["keys"]!.arrayValue.map { $0["keyName"]!.stringValue! } == ["temp"])
            #expect(listed["keys"]!.arrayValue.first?["applicationKey"] == nil)
            _ = try await admin.ok("b2_delete_key", ["applicationKeyId": .string(keyId)])
            #expect(try await holder.call("b2_list_buckets", ["accountId": "a"]).code == "bad_auth_token")

            let badCapability = try await admin.call(
                "b2_create_key", ["accountId": "a", "capabilities": ["flyToTheMoon"], "keyName": "k"]
            )
            #expect(badCapability.message.contains("flyToTheMoon"))
            let badName = try await admin.call(
                "b2_create_key", ["accountId": "a", "capabilities": ["listFiles"], "keyName": "has space"]
            )
            #expect(badName.message.contains("Invalid keyName"))
            var limited = base
            let noKeys = try await admin.ok(
                "b2_create_key", ["accountId": "a", "capabilities": ["listFiles"], "keyName": "nokeys"]
            )
            _ = try await limited.authorize(
                keyId: noKeys["applicationKeyId"]!.stringValue!, key: noKeys["applicationKey"]!.stringValue!)
            let denied = try await limited.call(
                "b2_create_key", ["accountId": "a", "capabilities": ["listFiles"], "keyName": "x"])
            #expect(denied.code == "unauthorized")
            #expect(denied.message == "")
            #expect(denied.guidance.contains("writeKeys"))
        }
    }
}
