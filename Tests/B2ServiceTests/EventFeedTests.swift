import B2Kit
import B2Sync
import Foundation
import NIOCore
import Testing

@Suite("Service: the event feed")
struct EventFeedTests {
    @Test(
        "GET /v1/syncs/{id}/events serves a run's changes as the lines `b2kit sync --events` writes, a page at a time")
    func feed() async throws {
        try await ServiceWorld.run { world in
            let bucket = try await world.b2.createBucket(named: "svc-events")
            for name in ["e/a.csv", "e/b/c.json", "e/d.txt"] {
                try await world.b2.upload(.bytes(ByteBuffer(string: "bytes of \(name)")), to: bucket, as: name)
            }
            let (connection, _) = try await world.connection()
            let destination = world.root + "/events"
            let created = try await world.call(
                .post, "/v1/syncs",
                json:
                    #"{"connection_id":"\#(connection)","source_path":"b2://svc-events/e","destination":"\#(destination)","sync_mode":"one_time"}"#
            )
            let sync = try #require(created.json["id"] as? String)
            let run = try await world.finishedRun(sync: sync, run: try await world.newestRun(sync: sync))
            #expect(run["status"] as? String == "succeeded")

            let page = try await world.call(.get, "/v1/syncs/\(sync)/events")
            #expect(page.status == 200)
            let served = try JSONDecoder().decode(Feed.self, from: Data(page.body.utf8))
            #expect(served.next_after == nil)

            // The CLI's `--events FILE`, on the same bucket into another folder.
            let cliFolder = world.folder + "/cli"
            let cliEvents = world.folder + "/cli.jsonl"
            let log = try SyncEventLog(path: cliEvents, destination: .folder(cliFolder))
            _ = try await SyncEngine(client: world.b2) { log.append($0) }.run(
                from: .bucket(B2Path(bucket: "svc-events", key: "e")), to: .folder(cliFolder))
            let written = try String(contentsOfFile: cliEvents, encoding: .utf8).split(separator: "\n").map {
                try JSONDecoder().decode(SyncEventLine.self, from: Data($0.utf8))
            }
            #expect(written.count == 3)
            /// A line without what differs between the two runs: the time and the folder.
            func comparable(_ line: SyncEventLine, _ folder: String) -> SyncEventLine {
                var line = line
                line.at = ""
                line.path = line.path.map { String($0.dropFirst(folder.count)) }
                return line
            }
            let fromService = served.data.map { comparable($0, destination) }.sorted { $0.name < $1.name }
            let fromCLI = written.map { comparable($0, cliFolder) }.sorted { $0.name < $1.name }
            #expect(fromService == fromCLI)
            #expect(served.data.allSatisfy { $0.event == "copied" && $0.sha1?.count == 40 })

            let second = try await world.call(.get, "/v1/syncs/\(sync)/events?after=1&limit=1")
            let paged = try JSONDecoder().decode(Feed.self, from: Data(second.body.utf8))
            #expect(paged.data == [served.data[1]])
            #expect(paged.next_after == "2")
            #expect(try await world.call(.get, "/v1/syncs/\(sync)/events?after=-1").status == 400)
            #expect(try await world.call(.get, "/v1/syncs/sync_none/events").status == 404)
        }
    }

    struct Feed: Decodable {
        var data: [SyncEventLine]
        var next_after: String?
    }
}
