#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Upload timestamps (milliseconds since the epoch) in the two forms S3 writes: ISO 8601 in XML and the HTTP date
/// in `Last-Modified`.
enum S3Time {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func parts(_ millis: Int64) -> tm {
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return parts
    }

    private static func pad(_ value: Int32, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// `2026-11-22T07:00:00.123Z`.
    static func iso8601(_ millis: Int64) -> String {
        let t = parts(millis)
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T\(pad(t.tm_hour, 2)):"
            + "\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)).\(pad(Int32(millis % 1000), 3))Z"
    }

    /// `Sun, 22 Nov 2026 07:00:00 GMT`.
    static func httpDate(_ millis: Int64) -> String {
        let t = parts(millis)
        return "\(days[Int(t.tm_wday)]), \(pad(t.tm_mday, 2)) \(months[Int(t.tm_mon)]) \(pad(t.tm_year + 1900, 4)) "
            + "\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)) GMT"
    }
}
