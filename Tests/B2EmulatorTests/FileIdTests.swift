import Foundation
import HTTPTypes
import Testing

@testable import B2Emulator

@Suite("File ids in B2's layout")
struct FileIdTests {
    /// B2's file id: `4_z<bucket>_f<kind><15 hex>_d<date>_m<time>_c<3>_v<7>_t<4>`, 83 characters.
    static var layout: Regex<(Substring, Substring, Substring, Substring, Substring)> {
        #/4_z([0-9a-f]{24})_f([0-9])[0-9a-f]{15}_d(\d{8})_m(\d{6})_c\d{3}_v\d{7}_t\d{4}/#
    }

    /// The kind digit, after checking the whole id, its bucket and its upload day and time.
    static func kind(of id: String, bucketId: String, uploadTimestamp: Int64?) throws -> Int {
        #expect(id.count == 83, "\(id)")
        let match = try #require(try Self.layout.wholeMatch(in: id), "\(id)")
        #expect(String(match.1) == bucketId)
        if let uploadTimestamp {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMddHHmmss"
            let stamped = try #require(formatter.date(from: String(match.3) + String(match.4)))
            // The id is made when the upload starts and the timestamp when it ends: seconds apart at most, even on a
            // loaded machine.
            #expect(abs(stamped.timeIntervalSince1970 - Double(uploadTimestamp) / 1000) < 10)
        }
        return try #require(Int(String(match.2)))
    }

    @Test("Uploads, copies and hide markers are kind 1; large files and S3 multipart uploads kind 2")
    func kinds() async throws {
        try await EmulatorHarness.run { base in
            var client = base
            _ = try await client.authorize()
            let bucketId = try await client.createBucket("id-bucket")
            let upload = try await client.upload(bucketId: bucketId, name: "a.txt", data: [1, 2, 3]).json
            let uploadId = try #require(upload["fileId"]?.stringValue)
            let timestamp = try #require(upload["uploadTimestamp"]?.intValue)
            #expect(try Self.kind(of: uploadId, bucketId: bucketId, uploadTimestamp: timestamp) == 1)

            let copy = try await client.ok("b2_copy_file", ["sourceFileId": .string(uploadId), "fileName": "b.txt"])
            #expect(
                try Self.kind(
                    of: try #require(copy["fileId"]?.stringValue), bucketId: bucketId,
                    uploadTimestamp: copy["uploadTimestamp"]?.intValue) == 1)

            let hide = try await client.ok("b2_hide_file", ["bucketId": .string(bucketId), "fileName": "a.txt"])
            #expect(
                try Self.kind(
                    of: try #require(hide["fileId"]?.stringValue), bucketId: bucketId,
                    uploadTimestamp: hide["uploadTimestamp"]?.intValue) == 1)

            let large = try await client.ok(
                "b2_start_large_file",
                ["bucketId": .string(bucketId), "fileName": "big.bin", "contentType": "b2/x-auto"])
            #expect(
                try Self.kind(
                    of: try #require(large["fileId"]?.stringValue), bucketId: bucketId,
                    uploadTimestamp: large["uploadTimestamp"]?.intValue) == 2)

            let s3 = try await S3TestClient.make(client)
            let put = try await s3.send(.put, "/id-bucket/s3.txt", body: [4])
            let putId = try #require(put.headers[HTTPField.Name("x-amz-version-id")!])
            #expect(try Self.kind(of: putId, bucketId: bucketId, uploadTimestamp: nil) == 1)
            let created = try await s3.send(.post, "/id-bucket/multi", query: [("uploads", "")])
            let multipartId = try #require(created.xml?.child("UploadId")?.text)
            #expect(try Self.kind(of: multipartId, bucketId: bucketId, uploadTimestamp: nil) == 2)
        }
    }

    @Test("Ids are unique across many uploads in one second")
    func unique() async throws {
        let ids = (0..<2000).map { _ in
            Identifiers.fileId(bucketId: String(repeating: "a", count: 24), kind: .small, uploadTimestamp: 1_000)
        }
        #expect(Set(ids).count == ids.count)
        #expect(ids[0].contains("_d19700101_m000001_"))
    }
}
