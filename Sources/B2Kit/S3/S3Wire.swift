import B2SigV4
import Foundation

/// Small parsers for what S3 sends: ISO 8601 and HTTP dates, quoted ETags.
enum S3Wire {
    static func unquote(_ text: String) -> String {
        text.hasPrefix("\"") && text.hasSuffix("\"") && text.count >= 2 ? String(text.dropFirst().dropLast()) : text
    }

    /// `2024-03-09T16:05:42.000Z` (with or without fractions).
    static func isoDate(_ text: String) -> Date? {
        ISO8601Timestamp.date(from: text)
    }

    /// `Sat, 09 Mar 2024 16:05:42 GMT`.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
