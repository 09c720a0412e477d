import Foundation

/// ISO 8601 text of times, without `ISO8601DateFormatter`: the one ISO 8601 helper of b2kit (S3 listings, the
/// service's answers, `--modified-since`, CSV timestamps, `ls -l`).
///
/// Writes RFC 3339 internet date-times in UTC (`2024-03-09T16:05:42Z`, or `2024-03-09T16:05:42.123Z`). Reads
/// `YYYY-MM-DD`, then optionally `T` or a space, `HH:MM`, `:SS`, a fraction of up to nine digits, and `Z` or an
/// offset `±HH:MM` / `±HHMM`; a zoned time is converted to UTC.
public enum ISO8601Timestamp {
    /// The internet date-time of `date` in UTC, as `ISO8601DateFormatter` writes it.
    /// - Parameters:
    ///   - date: The time.
    ///   - fractionalSeconds: Whether to write milliseconds (`.123`); the time is rounded to milliseconds first.
    /// - Returns: Text such as `2024-03-09T16:05:42Z` or `2024-03-09T16:05:42.123Z`.
    public static func string(from date: Date, fractionalSeconds: Bool = false) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = millis / 1000
        var fraction = millis % 1000
        if fraction < 0 {
            fraction += 1000
            seconds -= 1
        }
        let (days, secondOfDay) = CivilDate.split(seconds: seconds)
        let text = CivilDate.text(days: days) + "T" + CivilDate.time(secondOfDay: secondOfDay)
        return text + (fractionalSeconds ? "." + CivilDate.padded(fraction, 3) : "") + "Z"
    }

    /// Reads a date-time with a zone (a fraction allowed), or a date alone (midnight UTC).
    /// - Parameter text: Text such as `2024-05-01`, `2024-05-01T12:00:00Z` or `2024-05-01T14:00:00.5+02:00`.
    /// - Returns: The time, or nil when the text is not such a date, or is a time without a zone.
    public static func date(from text: String) -> Date? {
        guard let parsed = scan(text), parsed.zoned || !parsed.hasTime else { return nil }
        let (seconds, nanos) = parsed.ticks.quotientAndRemainder(dividingBy: 1_000_000_000)
        return Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanos) / 1e9)
    }

    /// Reads any of the accepted forms into nanoseconds since 1970-01-01T00:00:00.
    /// - Parameter text: A date or date-time, zoned or not.
    /// - Returns: The nanoseconds (UTC when zoned, else as written) and whether the text carried a zone; nil when
    ///   the text is not such a date or does not fit `Int64` nanoseconds.
    public static func parse(_ text: String) -> (ticks: Int64, zoned: Bool)? {
        scan(text).map { ($0.ticks, $0.zoned) }
    }

    private static func scan(_ text: String) -> (ticks: Int64, zoned: Bool, hasTime: Bool)? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"), let month = scanner.number(digits: 2),
            scanner.skip("-"), let day = scanner.number(digits: 2), (1...12).contains(month),
            (1...31).contains(day)
        else { return nil }
        var seconds = CivilDate.days(year: year, month: month, day: day) * 86400
        var nanos: Int64 = 0
        var zoned = false
        var hasTime = false
        if scanner.skip("T") || scanner.skip(" ") {
            hasTime = true
            guard let hour = scanner.number(digits: 2), scanner.skip(":"), let minute = scanner.number(digits: 2),
                hour < 24, minute < 60
            else { return nil }
            seconds += hour * 3600 + minute * 60
            if scanner.skip(":") {
                guard let second = scanner.number(digits: 2), second < 61 else { return nil }
                seconds += second
                if scanner.skip(".") {
                    guard let fraction = scanner.fraction() else { return nil }
                    nanos = fraction
                }
            }
            if scanner.skip("Z") {
                zoned = true
            } else if let sign = scanner.sign() {
                guard let hours = scanner.number(digits: 2) else { return nil }
                _ = scanner.skip(":")
                guard let minutes = scanner.number(digits: 2) else { return nil }
                seconds -= sign * (hours * 3600 + minutes * 60)
                zoned = true
            }
        }
        guard scanner.atEnd else { return nil }
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        return (product + nanos, zoned, hasTime)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int64? {
            guard index < bytes.count, (48...57).contains(bytes[index]) else { return nil }
            index += 1
            return Int64(bytes[index - 1] - 48)
        }

        mutating func number(digits: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<digits {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }

        /// The nanoseconds of a fraction's digits (those past the ninth are read and dropped).
        mutating func fraction() -> Int64? {
            var nanos: Int64 = 0
            var digits = 0
            while let digit = digit() {
                if digits < 9 { nanos = nanos * 10 + digit }
                digits += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 9)..<9 { nanos *= 10 }
            return nanos
        }

        mutating func sign() -> Int64? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }
    }
}
