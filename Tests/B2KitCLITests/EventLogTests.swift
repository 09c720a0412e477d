import B2Kit
import B2Sync
import Foundation
import Testing

@testable import B2KitCLI

@Suite("--events lines")
struct EventLogTests {
    @Test(
        "Timestamps are UTC ISO 8601 to the second, as ISO8601DateFormatter writes them",
        arguments: [
            0, 951_782_400.999, 1_795_343_580.25, 4_102_444_799,
        ])
    func timestamps(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(EventLog.timestamp(date) == ISO8601DateFormatter().string(from: date))
    }

    @Test("One JSON line per change, in order, with the fields pipelines read; dry runs and progress write nothing")
    func lines() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try EventLog(path: path)
        let object = SyncObject(name: "a/b.csv", size: 12, modifiedMillis: 1, sha1: String(repeating: "0", count: 40))
        log.append(.copied(object, .new, dryRun: false), destination: .folder("/data"))
        log.append(.copied(object, .changed, dryRun: true), destination: .folder("/data"))
        log.append(.progress(bytes: 5), destination: .folder("/data"))
        log.append(.deleted(object, dryRun: false), destination: .folder("/data"))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["event"] as? String == "copied")
        #expect(first["path"] as? String == "/data/a/b.csv")
        #expect(first["reason"] as? String == "new")
        #expect((first["at"] as? String)?.hasSuffix("Z") == true)
        let second = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(second["event"] as? String == "deleted")
    }
}
