import Synchronization

/// Calls served since the server started, per billing class and API, for `GET /metrics`.
final class TransactionCounters: Sendable {
    /// The APIs a call can come through.
    enum API: String, CaseIterable, Sendable {
        case native
        case s3
    }

    private let counts: Mutex<[String: UInt64]> = Mutex([:])

    /// Counts one call.
    func record(_ transactionClass: TransactionClass, api: API) {
        counts.withLock { $0["\(api.rawValue)/\(transactionClass.rawValue)", default: 0] += 1 }
    }

    /// The calls counted so far of one class and API.
    func count(_ transactionClass: TransactionClass, api: API) -> UInt64 {
        counts.withLock { $0["\(api.rawValue)/\(transactionClass.rawValue)"] ?? 0 }
    }

    /// The Prometheus text exposition (version 0.0.4), every class and API listed, counted or not.
    var prometheusText: String {
        var lines = [
            "# HELP b2_emulator_transactions_total API calls served, by B2 billing class (A, B, C) and API.",
            "# TYPE b2_emulator_transactions_total counter",
        ]
        for api in API.allCases {
            for transactionClass in TransactionClass.allCases {
                lines.append(
                    "b2_emulator_transactions_total{class=\"\(transactionClass.rawValue)\",api=\"\(api.rawValue)\"} "
                        + "\(count(transactionClass, api: api))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
