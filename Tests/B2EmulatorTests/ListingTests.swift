import B2JSON
import Testing

@testable import B2Emulator

@Suite("Listings")
struct ListingTests {
    static let names = [
        "photos/alice.jpg", "photos/cats/fluffy.jpg", "photos/cats/mittens.jpg", "photos/dogs/spot.jpg",
        "photos/lilly.jpg", "a.b", "a/b", "a0", "Z", "é",
    ]

    func seeded(_ client: B2TestClient) async throws -> String {
        let bucketId = try await client.createBucket("list-bucket")
        for name in Self.names {
            #expect(try await client.upload(bucketId: bucketId, name: name, data: Array(name.utf8)).status == .ok)
        }
        return bucketId
    }

    @Test("Names come in UTF-8 byte order, one page at a time")
    func order() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await seeded(client)
            var seen: [String] = []
            var start: JSONValue = nil
            repeat {
                let page = try await client.ok(
                    "b2_list_file_names",
                    ["bucketId": .string(bucketId), "startFileName": start, "maxFileCount": 3, "prefix": nil]
                )
                #expect(page["files"]!.arrayValue.count <= 3)
                seen += page["files"]!.arrayValue.compactMap { $0["fileName"]?.stringValue }
                start = page["nextFileName"]!
            } while start != .null
            #expect(seen == Self.names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            #expect(seen.prefix(4) == ["Z", "a.b", "a/b", "a0"])
        }
    }

    @Test("A delimiter collapses folders, as in B2's documentation")
    func folders() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await seeded(client)
            let page = try await client.ok(
                "b2_list_file_names", ["bucketId": .string(bucketId), "prefix": "photos/", "delimiter": "/"]
            )
            let entries = page["files"]!.arrayValue.map {
                "\($0["action"]!.stringValue!) \($0["fileName"]!.stringValue!)"
            }
            #expect(
                entries == [
                    "upload photos/alice.jpg", "folder photos/cats/", "folder photos/dogs/", "upload photos/lilly.jpg",
                ])
            let cats = try await client.ok(
                "b2_list_file_names", ["bucketId": .string(bucketId), "prefix": "photos/c", "delimiter": "/"]
            )
            #expect(cats["files"]!.arrayValue.map { $0["fileName"]!.stringValue! } == ["photos/cats/"])
            let paged = try await client.ok(
                "b2_list_file_names",
                ["bucketId": .string(bucketId), "prefix": "photos/", "delimiter": "/", "maxFileCount": 2]
            )
            #expect(paged["nextFileName"] == "photos/dogs/")
        }
    }

    @Test("Versions list newest first, with hide markers, and page by name and id")
    func versions() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("versions-bucket")
            var ids: [String] = []
            for round in 0..<3 {
                ids.append(
                    try await client.upload(bucketId: bucketId, name: "v", data: [UInt8(round)]).json["fileId"]!
                        .stringValue!)
            }
            _ = try await client.ok("b2_hide_file", ["bucketId": .string(bucketId), "fileName": "v"])
            let all = try await client.ok("b2_list_file_versions", ["bucketId": .string(bucketId)])
            let files = all["files"]!.arrayValue
            #expect(files.map { $0["action"]!.stringValue! } == ["hide", "upload", "upload", "upload"])
            #expect(Array(files.dropFirst().map { $0["fileId"]!.stringValue! }) == ids.reversed())
            #expect(all["nextFileId"] == .null)
            let first = try await client.ok(
                "b2_list_file_versions", ["bucketId": .string(bucketId), "maxFileCount": 2])
            #expect(first["nextFileName"] == "v")
            #expect(first["nextFileId"]?.stringValue == ids[1])
            let rest = try await client.ok(
                "b2_list_file_versions",
                ["bucketId": .string(bucketId), "startFileName": "v", "startFileId": first["nextFileId"]!]
            )
            #expect(rest["files"]!.arrayValue.map { $0["fileId"]!.stringValue! } == [ids[1], ids[0]])
            let names = try await client.ok("b2_list_file_names", ["bucketId": .string(bucketId)])
            #expect(names["files"]!.arrayValue.isEmpty)
        }
    }

    @Test("Listing input is checked", arguments: [0, 10_001])
    func limits(count: Int64) async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("limit-bucket")
            let reply = try await client.call(
                "b2_list_file_names", ["bucketId": .string(bucketId), "maxFileCount": .int(count)])
            #expect(reply.code == "out_of_range")
            let get = try await client.send(
                "/b2api/v4/b2_list_file_names?bucketId=\(bucketId)&maxFileCount=1", method: .get,
                headers: [.authorization: client.token]
            )
            #expect(get.status == .ok)
        }
    }

    @Test("API v1 listings carry size for rclone")
    func v1Size() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            client.version = 1
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("v1-bucket")
            _ = try await client.upload(bucketId: bucketId, name: "f", data: [1, 2])
            let page = try await client.ok("b2_list_file_names", ["bucketId": .string(bucketId)])
            #expect(page["files"]?.arrayValue.first?["size"] == .int(2))
        }
    }
}
