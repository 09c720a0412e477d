import Foundation

/// A signing time in SigV4's two forms: `yyyyMMdd'T'HHmmss'Z'` and the `yyyyMMdd` date of the credential scope.
public struct SigV4Timestamp: Sendable, Equatable, CustomStringConvertible {
    /// The time as a `Date`, whole seconds.
    public let date: Date
    /// The ISO 8601 basic form, such as `20130524T000000Z` (the `x-amz-date` value).
    public let amzDate: String
    /// The date part, such as `20130524` (the credential scope's date).
    public var scopeDate: String { String(amzDate.prefix(8)) }

    /// Creates a timestamp from a date, dropping fractions of a second.
    /// - Parameter date: The signing time.
    public init(_ date: Date) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        self.date = Date(timeIntervalSince1970: TimeInterval(seconds))
        let (days, secondOfDay) = CivilDate.split(seconds: seconds)
        amzDate =
            CivilDate.text(days: days, separator: "") + "T" + CivilDate.time(secondOfDay: secondOfDay, separator: "")
            + "Z"
    }

    /// Parses the `yyyyMMdd'T'HHmmss'Z'` form.
    /// - Parameter amzDate: Text such as `20130524T000000Z`.
    /// - Returns: The timestamp, or `nil` when the text is not in that exact form or names no real time.
    public init?(amzDate: String) {
        let bytes = Array(amzDate.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        let days = CivilDate.days(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        self.init(Date(timeIntervalSince1970: TimeInterval(seconds)))
        guard self.amzDate == amzDate else { return nil }
    }

    /// The `x-amz-date` form.
    public var description: String { amzDate }
}
