/// Totals over every run the store holds: what `/metrics` exposes.
public struct RunStatistics: Sendable {
    /// Runs per status.
    public var runs: [String: Int] = [:]
    /// Objects copied, skipped, deleted and failed.
    public var copied = 0
    /// Objects already in place.
    public var skipped = 0
    /// Destination objects deleted.
    public var deleted = 0
    /// Objects that failed.
    public var failed = 0
    /// Bytes copied.
    public var bytes: Int64 = 0
    /// Finished runs with a start, counted per duration bucket (upper bound in seconds, cumulative).
    public var durationBuckets: [(le: Double, count: Int)] = []
    /// Number of finished runs with a start.
    public var durationCount = 0
    /// Sum of their durations, in seconds.
    public var durationSum = 0.0

    /// The bucket bounds of the run-duration histogram, in seconds.
    public static let bounds: [Double] = [0.1, 0.5, 1, 5, 30, 60, 300, 1800, 3600]

    /// Creates empty totals.
    public init() {}

    /// The Prometheus text exposition (version 0.0.4).
    public var prometheusText: String {
        var lines: [String] = []
        lines.append("# HELP b2kit_service_runs Runs by status.")
        lines.append("# TYPE b2kit_service_runs gauge")
        for status in RunRecord.Status.allCases {
            lines.append("b2kit_service_runs{status=\"\(status.rawValue)\"} \(runs[status.rawValue] ?? 0)")
        }
        let objects: [(String, Int)] = [("copied", copied), ("skipped", skipped), ("deleted", deleted)]
        lines.append("# HELP b2kit_service_objects_total Objects handled by runs.")
        lines.append("# TYPE b2kit_service_objects_total counter")
        for (outcome, count) in objects { lines.append("b2kit_service_objects_total{outcome=\"\(outcome)\"} \(count)") }
        lines.append("# HELP b2kit_service_errors_total Objects that failed or were refused.")
        lines.append("# TYPE b2kit_service_errors_total counter")
        lines.append("b2kit_service_errors_total \(failed)")
        lines.append("# HELP b2kit_service_bytes_total Bytes copied by runs.")
        lines.append("# TYPE b2kit_service_bytes_total counter")
        lines.append("b2kit_service_bytes_total \(bytes)")
        lines.append("# HELP b2kit_service_run_duration_seconds Duration of finished runs.")
        lines.append("# TYPE b2kit_service_run_duration_seconds histogram")
        for bucket in durationBuckets {
            lines.append("b2kit_service_run_duration_seconds_bucket{le=\"\(bucket.le)\"} \(bucket.count)")
        }
        lines.append("b2kit_service_run_duration_seconds_bucket{le=\"+Inf\"} \(durationCount)")
        lines.append("b2kit_service_run_duration_seconds_sum \(durationSum)")
        lines.append("b2kit_service_run_duration_seconds_count \(durationCount)")
        return lines.joined(separator: "\n") + "\n"
    }
}
