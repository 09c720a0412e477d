#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Darwin
#endif

/// Sets a local file's modification (and access) time exactly to the millisecond.
///
/// A `Date`'s double would round some times down by one millisecond, and a sync that compares sizes and times
/// must see the file it wrote as unchanged.
enum FileModificationTime {
    /// Sets the times of `path` to `millis` since 1970; returns false when the file system refused.
    @discardableResult
    static func set(_ millis: Int64, on path: String) -> Bool {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let nanoseconds = (millis - seconds * 1000) * 1_000_000
        let time = timespec(tv_sec: Int(seconds), tv_nsec: Int(nanoseconds))
        return utimensat(AT_FDCWD, path, [time, time], 0) == 0
    }
}
