/// Days since 1970-01-01 to and from year, month and day in the proleptic Gregorian calendar, without Foundation
/// (fast, and the same in every time zone): the one calendar of b2kit (SigV4 timestamps, ISO 8601 text, table
/// dates).
///
/// Howard Hinnant's `days_from_civil` and `civil_from_days` algorithms.
public enum CivilDate {
    /// The year, month (1-12) and day (1-31) of a day number.
    /// - Parameter days: Days since 1970-01-01, negative before it.
    public static func components(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The day number of a date.
    /// - Returns: Days since 1970-01-01, negative before it.
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let year = month <= 2 ? year - 1 : year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day number and the second of that day (0-86399) of a time in seconds since 1970.
    public static func split(seconds: Int64) -> (days: Int64, secondOfDay: Int64) {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        return (days, seconds - days * 86400)
    }

    /// `YYYY-MM-DD`, or `YYYYMMDD` without separators.
    /// - Parameters:
    ///   - days: Days since 1970-01-01.
    ///   - separator: What goes between year, month and day.
    public static func text(days: Int64, separator: String = "-") -> String {
        let (year, month, day) = components(days: days)
        return padded(year, 4) + separator + padded(month, 2) + separator + padded(day, 2)
    }

    /// `HH:MM:SS`, or `HHMMSS` without separators.
    /// - Parameters:
    ///   - secondOfDay: Seconds since midnight, 0-86399.
    ///   - separator: What goes between hours, minutes and seconds.
    public static func time(secondOfDay: Int64, separator: String = ":") -> String {
        padded(secondOfDay / 3600, 2) + separator + padded(secondOfDay / 60 % 60, 2) + separator
            + padded(secondOfDay % 60, 2)
    }

    /// The decimal digits of `value` with leading zeros up to `width` (a minus sign before them).
    public static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padded = digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        return value < 0 ? "-" + padded : padded
    }
}
