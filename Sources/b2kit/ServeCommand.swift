import ArgumentParser
import B2Emulator
import Foundation
import Logging

/// `b2kit serve`: runs the local B2 emulator on a data folder.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the local B2-compatible server (native API v1-v4) on a data folder.",
        discussion: """
            Point the official clients at the printed URL, e.g. B2_ENVIRONMENT=http://127.0.0.1:8484 b2 ...
            Fault injection: --faults "seed=7;503:0.05;429:0.02@b2_get_upload_url;truncate:0.1@download"
            (kinds 500, 503, 429, expired, drop, truncate; rates 0..1; endpoints are b2_* call names or download).
            """
    )

    @Option(name: .long, help: "Folder for object bytes and metadata (created if missing).")
    var data: String = ".b2kit-data"

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on; 0 picks a free one.")
    var port: Int = 8484

    @Option(name: .customLong("master-key-id"), help: "Pin the master application key id (with --master-key).")
    var masterKeyId: String?

    @Option(name: .customLong("master-key"), help: "Pin the master application key (with --master-key-id).")
    var masterKey: String?

    @Option(name: .customLong("token-ttl"), help: "Lifetime of authorization tokens, in seconds.")
    var tokenTTL: Int64 = 86_400

    @Option(name: .customLong("recommended-part-size"), help: "recommendedPartSize sent to clients, in bytes.")
    var recommendedPartSize: Int64 = 100_000_000

    @Option(name: .customLong("minimum-part-size"), help: "absoluteMinimumPartSize, in bytes.")
    var minimumPartSize: Int64 = 5_000_000

    @Option(name: .long, help: "Region of the S3-compatible API; S3 requests must be signed for it.")
    var region: String = EmulatorConfiguration.defaultRegion

    @Option(name: .long, help: "Faults to inject (see above).")
    var faults: String?

    @Option(
        name: .customLong("clock-offset"),
        help: ArgumentHelp(
            "Run the emulator's clock ahead of the system's by this much, such as 90s, 45m, 12h or 30d.",
            discussion: "Retention, lifecycle rules and token lifetimes follow it; the master key can move it on "
                + "with POST /emulator/v1/advance_clock {\"seconds\": N}."))
    var clockOffset: String?

    @Option(
        name: .customLong("replication-delay"),
        help: ArgumentHelp(
            "How long a new version a replication rule covers stays pending before it is copied, such as 0s or 5m.",
            discussion: "On the emulator's clock, so POST /emulator/v1/advance_clock replicates what is then due."))
    var replicationDelay = "60s"

    @Option(name: .customLong("tls-cert"), help: "Serve HTTPS with this PEM certificate chain (with --tls-key).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
    var tlsKey: String?

    @Flag(name: .shortAndLong, help: "Log each request.")
    var verbose = false

    func validate() throws {
        guard (masterKeyId == nil) == (masterKey == nil) else {
            throw ValidationError("give --master-key-id and --master-key together, or neither")
        }
        if let masterKeyId,
            masterKeyId.isEmpty || !masterKeyId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        {
            throw ValidationError("--master-key-id must be letters and digits only, like B2's key ids")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("give --tls-cert and --tls-key together, or neither")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard tokenTTL > 0 else { throw ValidationError("--token-ttl must be a positive number of seconds") }
        guard minimumPartSize > 0, recommendedPartSize >= minimumPartSize else {
            throw ValidationError("--recommended-part-size must be at least --minimum-part-size, both positive")
        }
        guard !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
        else {
            throw ValidationError("--region must be lower-case letters, digits and '-', like us-west-004")
        }
        if let faults {
            do { _ = try FaultPlan(parsing: faults) } catch { throw ValidationError("\(error)") }
        }
        guard Self.milliseconds(replicationDelay) != nil else {
            throw ValidationError(
                "--replication-delay \"\(replicationDelay)\" is not a duration: give a whole number and s, m, h or d, "
                    + "such as 60s")
        }
        if let clockOffset, Self.milliseconds(clockOffset) == nil {
            throw ValidationError(
                "--clock-offset \"\(clockOffset)\" is not a duration: give a whole number and s, m, h or d, such as 30d"
            )
        }
    }

    /// `90s`, `45m`, `12h` or `30d` in milliseconds; nil for anything else.
    static func milliseconds(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int64(text.dropLast()), count >= 0,
            count <= Int64.max / unit / 2
        else { return nil }
        return count * unit
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .info : .warning
            return handler
        }
        let configuration = EmulatorConfiguration(
            dataDirectory: data,
            host: host,
            port: port,
            masterKeyId: masterKeyId,
            masterKey: masterKey,
            tokenLifetimeSeconds: tokenTTL,
            recommendedPartSize: recommendedPartSize,
            absoluteMinimumPartSize: minimumPartSize,
            region: region,
            faults: try faults.map(FaultPlan.init(parsing:)),
            clockOffsetMilliseconds: clockOffset.flatMap(Self.milliseconds) ?? 0,
            logger: {
                var logger = Logger(label: "b2kit.emulator")
                logger.logLevel = verbose ? .info : .warning
                return logger
            }(),
            tls: tlsCertificate.map { EmulatorTLS(certificatePath: $0, privateKeyPath: tlsKey ?? "") },
            replicationDelayMilliseconds: Self.milliseconds(replicationDelay) ?? 60_000
        )
        EmulatorServer.tuneAllocatorForLargeBodies()
        let server = try await EmulatorServer(configuration: configuration)
        let host = self.host
        let masterKeyLine =
            server.masterKeyIsNew
            ? "b2kit serve: created master key id \(server.masterKeyId) key \(server.masterKey) (stored in \(data))\n"
            : "b2kit serve: master key id \(server.masterKeyId)\n"
        let scheme = server.scheme
        let app = server.application { port in
            let output = "b2kit serve: listening on \(scheme)://\(host):\(port)\n" + masterKeyLine
            FileHandle.standardOutput.write(Data(output.utf8))
        }
        do {
            try await app.runService()
        } catch {
            throw RuntimeError("cannot serve on \(host):\(port): \(error); is the port in use? Try --port 0")
        }
    }
}
