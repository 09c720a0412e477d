import Foundation

/// Checks that an object name can be written under a local folder without escaping it.
///
/// B2 names are any UTF-8 up to 1024 bytes, so a bucket can hold names no file system should be asked to create:
/// `../x`, `/etc/passwd`, `a/./b`, names with NUL or backslashes (a path separator on Windows, and a classic way
/// around checks), empty segments (`a//b`), and segments longer than a file name may be.
public enum LocalName {
    /// The longest file name (one path segment) Linux file systems take, in bytes.
    public static let maximumSegmentBytes = 255

    /// Why `name` cannot be written under a folder, or nil when it can.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "the name is empty" }
        if name.utf8.contains(0) { return "the name contains a NUL byte" }
        if name.contains("\\") { return "the name contains a backslash" }
        if name.hasPrefix("/") { return "the name is an absolute path" }
        for segment in name.split(separator: "/", omittingEmptySubsequences: false) {
            switch segment {
            case "": return "the name has an empty path segment (a leading, doubled or trailing '/')"
            case ".", "..": return "the name has a '\(segment)' segment, which would leave the folder"
            default:
                if segment.utf8.count > maximumSegmentBytes {
                    return "a segment of the name is longer than \(maximumSegmentBytes) bytes"
                }
            }
        }
        return nil
    }

    /// True when `name` is the temporary file of an unfinished download (`.NAME.b2kit-UUID` beside its target).
    public static func isTemporaryDownload(_ name: String) -> Bool {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        guard base.hasPrefix("."), let marker = base.range(of: ".b2kit-", options: .backwards) else { return false }
        return base[marker.upperBound...].count == 36
    }
}
