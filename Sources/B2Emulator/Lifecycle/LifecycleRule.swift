import B2JSON

/// One of a bucket's lifecycle rules, as B2 takes them on `b2_create_bucket` and `b2_update_bucket`: the versions
/// whose names start with `fileNamePrefix` are hidden a number of days after their upload, deleted a number of
/// days after they were hidden, and unfinished large files are canceled a number of days after their start.
struct LifecycleRule: Sendable, Equatable {
    /// The largest number of rules a bucket may have.
    static let maximumRules = 100

    var fileNamePrefix: String
    var daysFromUploadingToHiding: Int64?
    var daysFromHidingToDeleting: Int64?
    var daysFromStartingToCancelingUnfinishedLargeFiles: Int64?

    /// Validates `lifecycleRules` as B2 does: at most 100 rules, each with a `fileNamePrefix`, at least one
    /// period, every period a positive number of days, and no two rules that apply to the same files.
    static func rules(_ value: JSONValue) throws -> [LifecycleRule] {
        guard case .array(let items) = value else {
            throw B2APIError.badRequest("lifecycleRules must be an array of rules")
        }
        guard items.count <= maximumRules else {
            throw B2APIError.badRequest(
                "lifecycleRules has \(items.count) rules; a bucket may have \(maximumRules)")
        }
        let rules = try items.map(rule)
        for (index, rule) in rules.enumerated() {
            for other in rules[(index + 1)...]
            where rule.fileNamePrefix.hasPrefix(other.fileNamePrefix)
                || other.fileNamePrefix.hasPrefix(rule.fileNamePrefix)
            {
                throw B2APIError.badRequest(
                    "Lifecycle rules for \"\(rule.fileNamePrefix)\" and \"\(other.fileNamePrefix)\" apply to the same "
                        + "files: no prefix may start another rule's prefix")
            }
        }
        return rules
    }

    /// The rules stored in a bucket row (text this type rendered).
    static func rules(stored text: String) throws -> [LifecycleRule] {
        try rules(Rendering.jsonText(text))
    }

    /// The rules as B2 answers them, in `lifecycleRules` of a bucket reply: the canceling period only when set.
    static func render(_ rules: [LifecycleRule]) -> JSONValue {
        .array(
            rules.map { rule in
                var members: [(String, JSONValue)] = [
                    ("daysFromHidingToDeleting", rule.daysFromHidingToDeleting.map(JSONValue.int) ?? .null),
                    ("daysFromUploadingToHiding", rule.daysFromUploadingToHiding.map(JSONValue.int) ?? .null),
                ]
                if let days = rule.daysFromStartingToCancelingUnfinishedLargeFiles {
                    members.append(("daysFromStartingToCancelingUnfinishedLargeFiles", .int(days)))
                }
                members.append(("fileNamePrefix", .string(rule.fileNamePrefix)))
                return .object(members)
            })
    }

    private static func rule(_ item: JSONValue) throws -> LifecycleRule {
        guard case .object = item else { throw B2APIError.badRequest("Each lifecycle rule must be an object") }
        guard case .string(let prefix)? = item["fileNamePrefix"] else {
            throw B2APIError.badRequest("A lifecycle rule needs fileNamePrefix (\"\" for every file)")
        }
        func days(_ name: String) throws -> Int64? {
            switch item[name] {
            case .none, .null?: return nil
            case .int(let days)? where days > 0: return days
            default:
                throw B2APIError.badRequest(
                    "\(name) of the lifecycle rule for \"\(prefix)\" must be a positive number of days, or null")
            }
        }
        let rule = LifecycleRule(
            fileNamePrefix: prefix,
            daysFromUploadingToHiding: try days("daysFromUploadingToHiding"),
            daysFromHidingToDeleting: try days("daysFromHidingToDeleting"),
            daysFromStartingToCancelingUnfinishedLargeFiles: try days(
                "daysFromStartingToCancelingUnfinishedLargeFiles")
        )
        guard
            rule.daysFromUploadingToHiding != nil || rule.daysFromHidingToDeleting != nil
                || rule.daysFromStartingToCancelingUnfinishedLargeFiles != nil
        else {
            throw B2APIError.badRequest(
                "The lifecycle rule for \"\(prefix)\" sets no period, so it would do nothing: set "
                    + "daysFromUploadingToHiding, daysFromHidingToDeleting or "
                    + "daysFromStartingToCancelingUnfinishedLargeFiles")
        }
        return rule
    }
}
