import B2Kit
import B2Sync
import Foundation
import Testing

@testable import B2KitCLI

@Suite("EventApplier: each event makes the local file match what the bucket shows for its name now")
struct EventApplierTests {
    static func event(_ type: String, _ name: String?, id: String, bucket: String) -> EventNotification.Event {
        EventNotification.Event(
            accountId: "a", bucketId: "b", bucketName: bucket, eventId: id, eventTimestamp: 1, eventType: type,
            eventVersion: 1, matchedRuleName: "r", objectName: name, objectSize: 0, objectVersionId: nil)
    }

    @Test("create, duplicate, excluded, outside, test event, a delete the bucket does not show yet, then --delete")
    func outcomes() async throws {
        let directory = temporaryDirectory()
        let context = Captured().context(configuration: localProfileInputs(in: directory))
        let bucketName = "applier-bucket"
        try await BucketOperations.make(
            context, path: try B2Path.parse("b2://\(bucketName)", requireScheme: true), isPublic: false)
        let file = directory + "/a.csv"
        try Data("a,b\n1,2\n".utf8).write(to: URL(fileURLWithPath: file))
        for name in ["in/a.csv", "in/skip.tmp", "other/x.csv"] {
            try await TransferOperations.copy(
                context, from: .local(file),
                to: .remote(try B2Path.parse("b2://\(bucketName)/\(name)", requireScheme: true)))
        }
        let folder = directory + "/out"
        let state = try SyncState(path: directory + "/state.db")
        try await ClientProvider.withClient(context) { client, _ in
            let applier = try await EventApplier(
                client: client, source: try SyncEndpoint.parse("b2://\(bucketName)/in"), destination: .folder(folder),
                options: SyncOptions(filter: SyncFilter(rules: [.exclude(try Glob("*.tmp"))]), delete: true),
                state: state)
            func apply(_ type: String, _ name: String?, id: String) async throws -> EventApplier.Outcome {
                try await applier.apply(Self.event(type, name, id: id, bucket: bucketName))
            }
            #expect(try await apply("b2:ObjectCreated:Upload", "in/a.csv", id: "e1") == .copied("a.csv"))
            #expect(try String(contentsOfFile: folder + "/a.csv", encoding: .utf8) == "a,b\n1,2\n")
            #expect(try await apply("b2:ObjectCreated:Upload", "in/a.csv", id: "e1") == .duplicate)
            #expect(
                try await apply("b2:ObjectCreated:Upload", "in/a.csv", id: "e2")
                    == .skipped("a.csv", reason: "already in place"))
            #expect(
                try await apply("b2:ObjectCreated:Upload", "in/skip.tmp", id: "e3")
                    == .skipped("skip.tmp", reason: "excluded"))
            #expect(
                try await apply("b2:ObjectCreated:Upload", "other/x.csv", id: "e4")
                    == .skipped("other/x.csv", reason: "outside b2://\(bucketName)/in/"))
            #expect(try await apply("b2:TestEvent", nil, id: "e5") == .skipped("-", reason: "a test event"))
            // A delete event while the bucket still shows the name (a newer version, or a reordered event) keeps it.
            #expect(
                try await apply("b2:ObjectDeleted:Delete", "in/a.csv", id: "e6")
                    == .skipped("a.csv", reason: "already in place"))
            #expect(FileManager.default.fileExists(atPath: folder + "/a.csv"))
            let bucket = try await client.bucket(named: bucketName)
            let version = try #require(try await client.fileVersion(in: bucket, named: "in/a.csv"))
            try await client.deleteFileVersion(version, in: bucket)
            #expect(try await apply("b2:ObjectDeleted:Delete", "in/a.csv", id: "e7") == .deleted("a.csv"))
            #expect(!FileManager.default.fileExists(atPath: folder + "/a.csv"))
            #expect(
                try await apply("b2:HideMarkerCreated:Hide", "in/a.csv", id: "e8")
                    == .skipped("a.csv", reason: "gone from both sides"))
        }
        #expect(try await state.catalog().map(\.name) == [])
    }
}
