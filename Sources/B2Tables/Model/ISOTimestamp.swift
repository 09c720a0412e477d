/// Parses ISO 8601 dates and date-times into nanoseconds since 1970, without Foundation.
///
/// Accepts `YYYY-MM-DD`, then optionally `T` or a space, `HH:MM`, `:SS`, a fraction of up to nine digits, and `Z` or
/// an offset `±HH:MM` / `±HHMM`. A zoned time is converted to UTC.
public enum ISOTimestamp {
    /// The nanoseconds since 1970-01-01T00:00:00 (UTC when zoned), and whether the text carried a zone.
    public static func parse(_ text: String) -> (ticks: Int64, zoned: Bool)? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"), let month = scanner.number(digits: 2),
            scanner.skip("-"), let day = scanner.number(digits: 2), (1...12).contains(month),
            (1...31).contains(day)
        else { return nil }
        var seconds = CivilDate.days(year: year, month: month, day: day) * 86400
        var nanos: Int64 = 0
        var zoned = false
        if scanner.skip("T") || scanner.skip(" ") {
            guard let hour = scanner.number(digits: 2), scanner.skip(":"), let minute = scanner.number(digits: 2),
                hour < 24, minute < 60
            else { return nil }
            seconds += hour * 3600 + minute * 60
            if scanner.skip(":") {
                guard let second = scanner.number(digits: 2), second < 61 else { return nil }
                seconds += second
                if scanner.skip(".") {
                    var digits = 0
                    while let digit = scanner.digit() {
                        if digits < 9 { nanos = nanos * 10 + digit }
                        digits += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in min(digits, 9)..<9 { nanos *= 10 }
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
        return (product + nanos, zoned)
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

        mutating func sign() -> Int64? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }
    }
}
