import B2Kit
import B2Sync
import Foundation
import Testing

@testable import B2KitCLI

@Suite("--events lines")
struct EventLogTests {
    @Test(
        "at is UTC ISO 8601 to the millisecond",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000Z"),
            (Int64(1_795_000_000_123), "2026-11-18T11:06:40.123Z"),
            (Int64(951_782_400_007), "2000-02-29T00:00:00.007Z"),
            (Int64(-1), "1969-12-31T23:59:59.999Z"),
            (Int64(253_402_300_799_999), "9999-12-31T23:59:59.999Z"),
        ])
    func format(millis: Int64, expected: String) {
        #expect(EventLogTime.format(millis: millis) == expected)
    }

    @Test("at agrees with Foundation's ISO 8601 formatter over a spread of times, and now() is now")
    func agreesWithFoundation() throws {
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        // Whole seconds: a Date's double cannot carry every millisecond exactly, the integer formatter can.
        var seconds: Int64 = 1_234
        while seconds < 4_102_444_800 {
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect(EventLogTime.format(millis: seconds * 1000) == reference.string(from: date))
            seconds = seconds * 3 + 7_919
        }
        let before = Date()
        let now = try #require(reference.date(from: EventLogTime.now()))
        #expect(abs(now.timeIntervalSince(before)) < 60)
    }

    @Test("an event line carries the time in that form, with the name and size")
    func line() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try EventLog(path: path)
        log.append(
            .copied(SyncObject(name: "a/b.csv", size: 3, modifiedMillis: 0), .new, dryRun: false),
            destination: .folder("/data"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "a/b.csv" && object["path"] as? String == "/data/a/b.csv")
        let at = try #require(object["at"] as? String)
        #expect(at.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
    }
}
