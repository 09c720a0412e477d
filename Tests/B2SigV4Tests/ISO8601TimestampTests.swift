import B2SigV4
import Foundation
import Testing

@Suite("ISO 8601 and civil dates")
struct ISO8601TimestampTests {
    @Test(
        "Dates format as ISO8601DateFormatter writes them, rounded to milliseconds",
        arguments: [
            (0.1239, "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.124Z"),
            (0.9999, "1970-01-01T00:00:01Z", "1970-01-01T00:00:01.000Z"),
            (-0.5, "1969-12-31T23:59:59Z", "1969-12-31T23:59:59.500Z"),
            (1_700_000_000.4567, "2023-11-14T22:13:20Z", "2023-11-14T22:13:20.457Z"),
            (951_825_600, "2000-02-29T12:00:00Z", "2000-02-29T12:00:00.000Z"),
            (4_102_444_799, "2099-12-31T23:59:59Z", "2099-12-31T23:59:59.000Z"),
        ])
    func format(seconds: Double, plain: String, fractional: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(ISO8601Timestamp.string(from: date) == plain)
        #expect(ISO8601Timestamp.string(from: date, fractionalSeconds: true) == fractional)
    }

    @Test(
        "Zoned date-times and dates alone parse to the same instant ISO8601DateFormatter gives",
        arguments: [
            ("2024-05-01", 1_714_521_600.0), ("2024-05-01T12:00:00Z", 1_714_564_800),
            ("2024-05-01T12:00:00.5Z", 1_714_564_800.5), ("2024-05-01T14:00:00+02:00", 1_714_564_800),
            ("2024-05-01T07:30:00-0430", 1_714_564_800), ("2024-03-09T16:05:42.000Z", 1_710_000_342),
        ])
    func parse(text: String, seconds: Double) {
        #expect(ISO8601Timestamp.date(from: text)?.timeIntervalSince1970 == seconds)
    }

    @Test(
        "Text that is no zoned date-time is refused",
        arguments: ["", "2024-13-01", "2024-05-01T12:00:00", "2024-05-01T25:00:00Z", "2024-05-01Tx", "yesterday"])
    func refuse(text: String) {
        #expect(ISO8601Timestamp.date(from: text) == nil)
    }

    @Test("parse gives nanoseconds and whether a zone was written")
    func ticks() throws {
        let zoned = try #require(ISO8601Timestamp.parse("1970-01-01T00:00:01.123456789123Z"))
        #expect(zoned.ticks == 1_123_456_789 && zoned.zoned)
        let local = try #require(ISO8601Timestamp.parse("1970-01-02 00:01"))
        #expect(local.ticks == 86_460_000_000_000 && !local.zoned)
    }

    @Test(
        "Civil dates round-trip day numbers",
        arguments: [
            (Int64(0), "1970-01-01"), (-1, "1969-12-31"), (11_016, "2000-02-29"), (-719_468, "0000-03-01"),
            (2_932_896, "9999-12-31"),
        ])
    func civil(days: Int64, text: String) {
        #expect(CivilDate.text(days: days) == text)
        let (year, month, day) = CivilDate.components(days: days)
        #expect(CivilDate.days(year: year, month: month, day: day) == days)
    }

    @Test("split, time and padded give the pieces of a time")
    func pieces() {
        #expect(CivilDate.split(seconds: -1) == (-1, 86399))
        #expect(CivilDate.time(secondOfDay: 3723) == "01:02:03")
        #expect(CivilDate.time(secondOfDay: 3723, separator: "") == "010203")
        #expect(CivilDate.text(days: 0, separator: "") == "19700101")
        #expect(CivilDate.padded(-7, 3) == "-007")
    }
}
