import B2JSON
import B2Kit
import Foundation

/// The bucket settings `b2kit mb` and `b2kit bucket update` take from their options: JSON files for lifecycle
/// rules, CORS rules and replication, `--default-sse b2|none` and `--file-lock`.
public struct BucketSettingsInput: Sendable {
    /// A file with B2's `lifecycleRules` array (or one rule object).
    public var lifecycleFile: String?
    /// `b2` (SSE-B2 by default) or `none`.
    public var defaultSSE: String?
    /// Turns Object Lock on.
    public var fileLock = false
    /// A file with B2's `corsRules` array.
    public var corsFile: String?
    /// A file with B2's `replicationConfiguration` object.
    public var replicationFile: String?

    /// Options as given.
    public init(
        lifecycleFile: String? = nil, defaultSSE: String? = nil, fileLock: Bool = false, corsFile: String? = nil,
        replicationFile: String? = nil
    ) {
        self.lifecycleFile = lifecycleFile
        self.defaultSSE = defaultSSE
        self.fileLock = fileLock
        self.corsFile = corsFile
        self.replicationFile = replicationFile
    }

    /// The settings, with every file read and checked.
    /// - Throws: `B2Error` `.usage` naming the option and the file when one cannot be read, is not JSON, or is not
    ///   the shape B2 takes.
    public func settings() throws -> B2BucketSettings {
        var settings = B2BucketSettings()
        if let lifecycleFile {
            var value = try Self.json(lifecycleFile, option: "--lifecycle")
            if case .object = value { value = .array([value]) }
            settings.lifecycleRules = try Self.rules(value, file: lifecycleFile)
        }
        switch defaultSSE?.lowercased() {
        case nil: break
        case "b2", "sse-b2": settings.defaultServerSideEncryption = true
        case "none": settings.defaultServerSideEncryption = false
        case let other?:
            throw B2Error(.usage, "--default-sse takes b2 or none, not \(other) (SSE-C needs a key per request)")
        }
        if fileLock { settings.fileLockEnabled = true }
        if let corsFile {
            let value = try Self.json(corsFile, option: "--cors")
            guard case .array = value else {
                throw B2Error(.usage, "--cors \(corsFile): the file must hold B2's corsRules, a JSON array of rules")
            }
            settings.corsRules = value
        }
        if let replicationFile {
            let value = try Self.json(replicationFile, option: "--replication")
            guard case .object = value else {
                throw B2Error(
                    .usage,
                    "--replication \(replicationFile): the file must hold B2's replicationConfiguration, a JSON "
                        + "object with asReplicationSource and/or asReplicationDestination")
            }
            settings.replicationConfiguration = value
        }
        return settings
    }

    private static func json(_ path: String, option: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw B2Error(.usage, "\(option) \(path): cannot read the file: check the path")
        }
        do {
            return try JSONParser.parse(Array(data))
        } catch {
            throw B2Error(.usage, "\(option) \(path): \(error)")
        }
    }

    private static func rules(_ value: JSONValue, file: String) throws -> [B2LifecycleRule] {
        guard case .array(let items) = value else {
            throw B2Error(.usage, "--lifecycle \(file): the file must hold B2's lifecycleRules, a JSON array of rules")
        }
        return try items.enumerated().map { index, item in
            func days(_ name: String) throws -> Int64? {
                switch item[name] {
                case .none, .null?: return nil
                case .int(let days)?: return days
                default: throw B2Error(.usage, "--lifecycle \(file): rule \(index + 1)'s \(name) must be a number")
                }
            }
            guard case .string(let prefix)? = item["fileNamePrefix"] else {
                throw B2Error(
                    .usage,
                    "--lifecycle \(file): rule \(index + 1) needs fileNamePrefix (\"\" for every file), for example "
                        + "{\"fileNamePrefix\": \"logs/\", \"daysFromHidingToDeleting\": 30}")
            }
            return B2LifecycleRule(
                fileNamePrefix: prefix, daysFromUploadingToHiding: try days("daysFromUploadingToHiding"),
                daysFromHidingToDeleting: try days("daysFromHidingToDeleting"),
                daysFromStartingToCancelingUnfinishedLargeFiles: try days(
                    "daysFromStartingToCancelingUnfinishedLargeFiles"))
        }
    }
}
