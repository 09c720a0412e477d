import Foundation

/// How many threads a table read may use: `B2KIT_TABLE_THREADS` when it is a positive number (1 reads on the
/// calling thread only, as the benchmark's single-threaded figures do), else the machine's active cores.
public enum TableThreads {
    /// The thread count for reads.
    public static var `default`: Int {
        if let text = ProcessInfo.processInfo.environment["B2KIT_TABLE_THREADS"], let count = Int(text), count > 0 {
            return count
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}
