import B2Kit
import Foundation
import GRDB
import HTTPTypes
import NIOCore
import Testing

@testable import B2Service

@Suite("Service: /v1/syncs, runs and the catalog")
struct SyncTests {
    static func syncJSON(connection: String, source: String, destination: String, extra: String = "") -> String {
        """
        {"connection_id": "\(connection)", "source_path": "\(source)", "destination": "\(destination)",
         "sync_mode": "one_time"\(extra)}
        """
    }

    @Test("A one_time sync runs on creation with B2Sync's engine; its run has counters; the catalog pages by prefix")
    func oneTime() async throws {
        try await ServiceWorld.run { world in
            let bucket = try await world.b2.createBucket(named: "svc-source")
            for name in ["data/a.csv", "data/b.csv", "data/sub/c.csv", "data/skip.tmp", "other/x"] {
                try await world.b2.upload(.bytes(ByteBuffer(string: "content of \(name)")), to: bucket, as: name)
            }
            let (connection, secret) = try await world.connection()
            let target = world.root + "/out"
            let created = try await world.call(
                .post, "/v1/syncs",
                json: Self.syncJSON(
                    connection: connection, source: "svc-source/data", destination: target,
                    extra: #", "exclude_patterns": ["*.tmp"]"#))
            #expect(created.status == 201, "\(created.body)")
            let sync = try #require(created.json["id"] as? String)
            let first = try await world.newestRun(sync: sync)
            let run = try await world.finishedRun(sync: sync, run: first)
            #expect(run["status"] as? String == "succeeded")
            #expect(run["copied"] as? Int == 3)
            #expect(run["trigger"] as? String == "creation")
            #expect((run["bytes"] as? Int ?? 0) > 0)
            #expect(run["finished_at"] is String)
            let arrived = FileManager.default.contents(atPath: target + "/sub/c.csv")
            #expect(arrived.map { String(decoding: $0, as: UTF8.self) } == "content of data/sub/c.csv")
            #expect(!FileManager.default.fileExists(atPath: target + "/skip.tmp"))

            let page = try await world.call(.get, "/v1/syncs/\(sync)/objects?limit=1")
            let names = (page.json["data"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["a.csv"])
            let after = try #require(page.json["next_after"] as? String)
            let rest = try await world.call(.get, "/v1/syncs/\(sync)/objects?after=\(after)")
            #expect(
                (rest.json["data"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["b.csv", "sub/c.csv"])
            let prefixed = try await world.call(.get, "/v1/syncs/\(sync)/objects?prefix=sub/")
            #expect((prefixed.json["data"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["sub/c.csv"])

            try await world.b2.upload(.bytes(ByteBuffer(string: "new")), to: bucket, as: "data/d.csv")
            let triggered = try await world.call(.post, "/v1/syncs/\(sync)/trigger")
            #expect(triggered.status == 202)
            let second = try #require(triggered.json["id"] as? String)
            #expect(second != first)
            let rerun = try await world.finishedRun(sync: sync, run: second)
            #expect(rerun["copied"] as? Int == 1)
            #expect(rerun["skipped"] as? Int == 3)
            #expect(rerun["trigger"] as? String == "manual")
            let metrics = try await world.call(.get, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains("b2kit_service_runs{status=\"succeeded\"} 2"))
            #expect(metrics.body.contains("b2kit_service_objects_total{outcome=\"copied\"} 4"))
            #expect(metrics.body.contains("b2kit_service_run_duration_seconds_count 2"))
            try await SecretCheck.assertAbsent([secret], world: world)
        }
    }

    @Test("A trigger while a run is active returns that run; the schema refuses a second active run; paused runs wait")
    func singleActiveRun() async throws {
        try await ServiceWorld.run { world in
            let (connection, _) = try await world.connection()
            let now = Date()
            let sync = "sync_direct"
            try await world.store.insertSync(
                SyncRecord(
                    id: sync, name: "direct", connectionId: connection, sourcePath: "svc-none", destination: "/tmp/x",
                    syncMode: "scheduled", pollingIntervalSeconds: 60, includePatterns: [], excludePatterns: [],
                    modifiedSince: nil, deleteExtraneous: false, paused: true, nextRunAt: nil, createdAt: now,
                    updatedAt: now),
                queueRun: nil)
            let date = Date()
            let (first, created) = try await world.store.enqueue(
                RunRecord.queued(syncId: sync, trigger: "manual", at: date))
            #expect(created)
            let (again, createdAgain) = try await world.store.enqueue(
                RunRecord.queued(syncId: sync, trigger: "manual", at: date))
            #expect(!createdAgain)
            #expect(again.id == first.id)
            if let sqlite = world.store as? SQLiteServiceStore {
                await #expect(throws: (any Error).self) {
                    try await sqlite.writer.write {
                        try RunRecord.queued(syncId: sync, trigger: "manual", at: date).insert($0)
                    }
                }
            }
        }
    }

    @Test("Get, list, update, pause, resume and delete; delete of a used connection needs force")
    func crud() async throws {
        try await ServiceWorld.run { world in
            let (connection, _) = try await world.connection()
            let created = try await world.call(
                .post, "/v1/syncs",
                json:
                    #"{"name":"nightly","connection_id":"\#(connection)","source_path":"b2://svc-none/logs","destination":"nightly","sync_mode":"scheduled","polling_interval_seconds":3600,"include_patterns":["*.log"],"modified_since":"2024-05-01","delete":true}"#
            )
            #expect(created.status == 201, "\(created.body)")
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["include_patterns"] as? [String] == ["*.log"])
            #expect(created.json["delete"] as? Bool == true)
            let listed = try await world.call(.get, "/v1/syncs")
            #expect((listed.json["data"] as? [[String: Any]])?.count == 1)
            let paused = try await world.call(.post, "/v1/syncs/\(id)/pause")
            #expect(paused.json["paused"] as? Bool == true)
            let refused = try await world.call(.post, "/v1/syncs/\(id)/trigger")
            #expect(refused.status == 409)
            let updated = try await world.call(.patch, "/v1/syncs/\(id)", json: #"{"polling_interval_seconds": 60}"#)
            #expect(updated.status == 200)
            #expect(updated.json["polling_interval_seconds"] as? Int == 60)
            #expect(updated.json["name"] as? String == "nightly")
            let resumed = try await world.call(.post, "/v1/syncs/\(id)/resume")
            #expect(resumed.json["paused"] as? Bool == false)
            try await world.call(.post, "/v1/syncs/\(id)/pause")
            let inUse = try await world.call(.delete, "/v1/connections/\(connection)")
            #expect(inUse.status == 409)
            #expect((inUse.json["detail"] as? String)?.contains("force=true") == true)
            #expect(try await world.call(.get, "/v1/connections/\(connection)").status == 200)
            let deleted = try await world.call(.delete, "/v1/syncs/\(id)?force=true")
            #expect(deleted.status == 204, "\(deleted.body)")
            #expect(try await world.call(.get, "/v1/syncs/\(id)").status == 404)
            #expect(try await world.call(.delete, "/v1/connections/\(connection)").status == 204)
        }
    }

    static let badSyncs: [(String, String, String)] = [
        (
            "unknown field", "colour",
            #""source_path":"b2://svc-bucket/x","destination":"a","sync_mode":"one_time","colour":"red""#
        ),
        (
            "interval of the wrong type", "polling_interval_seconds",
            #""source_path":"b2://svc-bucket/x","destination":"a","sync_mode":"scheduled","polling_interval_seconds":"60""#
        ),
        (
            "negative interval", "polling_interval_seconds",
            #""source_path":"b2://svc-bucket/x","destination":"a","sync_mode":"scheduled","polling_interval_seconds":-5"#
        ),
        (
            "zero interval for a schedule", "polling_interval_seconds",
            #""source_path":"b2://svc-bucket/x","destination":"a","sync_mode":"continuous","polling_interval_seconds":0"#
        ),
        (
            "unknown mode", "sync_mode",
            #""source_path":"b2://svc-bucket/x","destination":"a","sync_mode":"hourly""#
        ),
        ("missing mode", "sync_mode", #""source_path":"b2://svc-bucket/x","destination":"a""#),
        (
            "unknown scheme", "source_path",
            #""source_path":"gs://svc-bucket/x","destination":"a","sync_mode":"one_time""#
        ),
        (
            "scheme typo", "source_path",
            #""source_path":"b2:/svc-bucket/x","destination":"a","sync_mode":"one_time""#
        ),
        ("bucket name too short", "source_path", #""source_path":"ab","destination":"a","sync_mode":"one_time""#),
        (
            "local source into a folder", "source_path",
            #""source_path":"/srv/x","destination":"a","sync_mode":"one_time""#
        ),
        (
            "destination outside the roots", "destination",
            #""source_path":"b2://svc-bucket/x","destination":"/tmp/out","sync_mode":"one_time""#
        ),
        (
            "source outside the roots into a bucket", "source_path",
            #""source_path":"/etc","destination":"b2://svc-bucket/x","sync_mode":"one_time""#
        ),
        (
            "unclosed bracket glob", "include_patterns[0]",
            #""source_path":"b2://svc-bucket/x","destination":"a","sync_mode":"one_time","include_patterns":["[abc"]"#
        ),
        (
            "empty glob", "exclude_patterns[0]",
            #""source_path":"b2://svc-bucket/x","destination":"a","sync_mode":"one_time","exclude_patterns":[""]"#
        ),
        (
            "globs of the wrong type", "include_patterns",
            #""source_path":"b2://svc-bucket/x","destination":"a","sync_mode":"one_time","include_patterns":"*.csv""#
        ),
        (
            "bad date", "modified_since",
            #""source_path":"b2://svc-bucket/x","destination":"a","sync_mode":"one_time","modified_since":"yesterday""#
        ),
        (
            "delete of the wrong type", "delete",
            #""source_path":"b2://svc-bucket/x","destination":"a","sync_mode":"one_time","delete":"yes""#
        ),
    ]

    @Test("Bad sync bodies are 422 problem+json naming the field, and store nothing", arguments: badSyncs)
    func badInput(_ label: String, _ field: String, _ fields: String) async throws {
        try await ServiceWorld.run { world in
            let (connection, _) = try await world.connection()
            let answer = try await world.call(
                .post, "/v1/syncs", json: #"{"connection_id":"\#(connection)",\#(fields)}"#)
            #expect(answer.status == 422, "\(label): \(answer.body)")
            #expect(answer.type == "application/problem+json", "\(label)")
            #expect(answer.json["field"] as? String == field, "\(label): \(answer.body)")
            #expect(try await world.store.syncs().isEmpty, "\(label)")
        }
    }

    @Test("Unknown ids: a sync's routes are 404; an unknown connection_id is 422; nothing stored")
    func unknownIds() async throws {
        try await ServiceWorld.run { world in
            for (method, uri) in [
                (HTTPMethodName.get, "/v1/syncs/sync_none"), (.delete, "/v1/syncs/sync_none"),
                (.post, "/v1/syncs/sync_none/trigger"), (.post, "/v1/syncs/sync_none/pause"),
                (.get, "/v1/syncs/sync_none/runs"), (.get, "/v1/syncs/sync_none/objects"),
            ] {
                let answer = try await world.call(method.value, uri)
                #expect(answer.status == 404, "\(uri)")
                #expect(answer.type == "application/problem+json")
            }
            let answer = try await world.call(
                .post, "/v1/syncs",
                json: Self.syncJSON(connection: "conn_none", source: "svc-bucket", destination: "a")
            )
            #expect(answer.status == 422)
            #expect(answer.json["field"] as? String == "connection_id")
            #expect(try await world.store.syncs().isEmpty)
        }
    }
}

/// Methods as test arguments.
enum HTTPMethodName {
    case get, post, delete
    var value: HTTPRequest.Method {
        switch self {
        case .get: .get
        case .post: .post
        case .delete: .delete
        }
    }
}
