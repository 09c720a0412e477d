import B2JSON

/// What a bucket is created or updated with beyond its name and type: lifecycle rules, default encryption, Object
/// Lock, CORS rules and replication. A nil member is left as it is on an update (and B2's default on a create).
public struct B2BucketSettings: Sendable, Equatable {
    /// B2's `lifecycleRules`; an empty array removes them.
    public var lifecycleRules: [B2LifecycleRule]?
    /// True encrypts new files with SSE-B2 unless they ask otherwise; false stops it.
    public var defaultServerSideEncryption: Bool?
    /// True turns Object Lock on; it cannot be turned off again.
    public var fileLockEnabled: Bool?
    /// B2's `corsRules`, a JSON array of rules.
    public var corsRules: JSONValue?
    /// B2's `replicationConfiguration`, a JSON object with `asReplicationSource` and/or `asReplicationDestination`.
    public var replicationConfiguration: JSONValue?

    /// Settings that change nothing; set the members to change.
    public init(
        lifecycleRules: [B2LifecycleRule]? = nil, defaultServerSideEncryption: Bool? = nil,
        fileLockEnabled: Bool? = nil, corsRules: JSONValue? = nil, replicationConfiguration: JSONValue? = nil
    ) {
        self.lifecycleRules = lifecycleRules
        self.defaultServerSideEncryption = defaultServerSideEncryption
        self.fileLockEnabled = fileLockEnabled
        self.corsRules = corsRules
        self.replicationConfiguration = replicationConfiguration
    }

    /// True when no member is set.
    public var isEmpty: Bool { self == B2BucketSettings() }

    /// The call parameters these settings add to `b2_create_bucket` or `b2_update_bucket`.
    var parameters: [String: JSONValue] {
        var parameters: [String: JSONValue] = [:]
        if let lifecycleRules { parameters["lifecycleRules"] = .array(lifecycleRules.map(\.json)) }
        if let defaultServerSideEncryption {
            parameters["defaultServerSideEncryption"] =
                defaultServerSideEncryption ? ["mode": "SSE-B2", "algorithm": "AES256"] : ["mode": "none"]
        }
        if let fileLockEnabled { parameters["fileLockEnabled"] = .bool(fileLockEnabled) }
        if let corsRules { parameters["corsRules"] = corsRules }
        if let replicationConfiguration { parameters["replicationConfiguration"] = replicationConfiguration }
        return parameters
    }
}

/// One lifecycle rule: the versions whose names start with `fileNamePrefix` are hidden, deleted or (unfinished
/// large files) canceled after the given numbers of days.
public struct B2LifecycleRule: Codable, Sendable, Equatable {
    /// The names the rule applies to; "" for all.
    public var fileNamePrefix: String
    /// Days from a version's upload until it is hidden, or nil for never.
    public var daysFromUploadingToHiding: Int64?
    /// Days from a version being hidden until it is deleted, or nil for never.
    public var daysFromHidingToDeleting: Int64?
    /// Days from an unfinished large file's start until it is canceled, or nil for never.
    public var daysFromStartingToCancelingUnfinishedLargeFiles: Int64?

    /// A rule for `fileNamePrefix`; set at least one period.
    public init(
        fileNamePrefix: String, daysFromUploadingToHiding: Int64? = nil, daysFromHidingToDeleting: Int64? = nil,
        daysFromStartingToCancelingUnfinishedLargeFiles: Int64? = nil
    ) {
        self.fileNamePrefix = fileNamePrefix
        self.daysFromUploadingToHiding = daysFromUploadingToHiding
        self.daysFromHidingToDeleting = daysFromHidingToDeleting
        self.daysFromStartingToCancelingUnfinishedLargeFiles = daysFromStartingToCancelingUnfinishedLargeFiles
    }

    var json: JSONValue {
        func days(_ value: Int64?) -> JSONValue { value.map(JSONValue.int) ?? .null }
        return [
            "fileNamePrefix": .string(fileNamePrefix),
            "daysFromUploadingToHiding": days(daysFromUploadingToHiding),
            "daysFromHidingToDeleting": days(daysFromHidingToDeleting),
            "daysFromStartingToCancelingUnfinishedLargeFiles": days(daysFromStartingToCancelingUnfinishedLargeFiles),
        ]
    }
}
