import B2Kit
import Foundation
import Testing

@testable import B2Sync

@Suite("Event log lines and the mode loop")
struct SyncEventLogTests {
    @Test("A line carries the time to the millisecond, the name, size and local path; keys sorted, fields left out")
    func line() throws {
        let object = SyncObject(name: "a/b.csv", size: 3, modifiedMillis: 0)
        let at = Date(timeIntervalSince1970: 1_795_000_000.123)
        let line = try #require(
            SyncEventLine(.copied(object, .new, dryRun: false), destination: .folder("/data"), at: at))
        #expect(
            line.text
                == #"{"at":"2026-11-18T11:06:40.123Z","event":"copied","name":"a/b.csv","path":"/data/a/b.csv","reason":"new","size":3}"#
        )
        #expect(SyncEventLine(.copied(object, .new, dryRun: true), destination: .folder("/data")) == nil)
        #expect(SyncEventLine(.progress(bytes: 5), destination: .folder("/data")) == nil)
    }

    @Test("Lines appended to a file read back after a cursor, a page at a time; a torn last line waits")
    func readBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SyncEventLog.lines(in: path, after: 0, limit: 10).isEmpty)
        let log = try SyncEventLog(path: path, destination: .folder("/d"))
        for index in 0..<5 {
            log.append(.deleted(SyncObject(name: "n\(index)", size: 0, modifiedMillis: 0), dryRun: false))
        }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"at":"x","#.utf8))
        try handle.close()
        #expect(try SyncEventLog.lines(in: path, after: 0, limit: 10).map(\.name) == ["n0", "n1", "n2", "n3", "n4"])
        #expect(try SyncEventLog.lines(in: path, after: 3, limit: 10).map(\.name) == ["n3", "n4"])
        #expect(try SyncEventLog.lines(in: path, after: 1, limit: 2).map(\.name) == ["n1", "n2"])
        #expect(try SyncEventLog.lines(in: path, after: 9, limit: 2).isEmpty)
    }

    @Test(
        "The next run: none for one_time; scheduled from the start; continuous at once after a change",
        arguments: [
            (SyncMode.oneTime, false, nil),
            (.scheduled, false, 60.0),
            (.scheduled, true, 60.0),
            (.continuous, false, 70.0),
            (.continuous, true, 10.0),
        ] as [(SyncMode, Bool, Double?)])
    func nextRun(mode: SyncMode, changed: Bool, expected: Double?) {
        let started = Date(timeIntervalSince1970: 0)
        let next = mode.nextRun(
            startedAt: started, finishedAt: started + 10, changed: changed, interval: 60)
        #expect(next?.timeIntervalSince1970 == expected)
    }

    @Test("The loop runs once for one_time, and a stop ends a scheduled loop's wait at once")
    func loop() async throws {
        let stop = StopRequest()
        var runs = 0
        try await SyncLoop(mode: .oneTime, interval: 3600).run(stop: stop) { _ in
            runs += 1
            return SyncSummary()
        }
        #expect(runs == 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Task.sleep(for: .milliseconds(100))
                stop.request()
            }
            var scheduled = 0
            try await SyncLoop(mode: .scheduled, interval: 3600).run(stop: stop) { _ in
                scheduled += 1
                return SyncSummary()
            }
            #expect(scheduled == 1)
            try await group.waitForAll()
        }
    }
}
