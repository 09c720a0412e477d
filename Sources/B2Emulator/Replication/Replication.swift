import B2JSON
import GRDB
import HTTPTypes

/// Bucket replication settings as B2 takes them: `replicationConfiguration` on `b2_create_bucket` and
/// `b2_update_bucket`, with `asReplicationSource` (rules that name destination buckets, and the key that reads the
/// source) and `asReplicationDestination` (which source keys map to which destination keys), validated as B2 does.
enum Replication {
    /// The largest number of rules a source bucket may have.
    static let maximumRules = 10

    /// The configuration a call sends, validated against this server's buckets and keys; nil when it turns
    /// replication off (both halves null or absent).
    static func configuration(_ value: JSONValue, bucketId: String, db: Database) throws -> BucketReplicationRecord? {
        guard case .object = value else {
            throw B2APIError.badRequest("replicationConfiguration must be an object")
        }
        // JSON null and an absent member both mean "not one" (JSONValue takes `nil` as its null, hence `.none`).
        let source: JSONValue? = value["asReplicationSource"].flatMap { $0 == .null ? .none : $0 }
        let destination: JSONValue? = value["asReplicationDestination"].flatMap { $0 == .null ? .none : $0 }
        if let source { try checkSource(source, bucketId: bucketId, db: db) }
        if let destination { try checkDestination(destination) }
        guard source != nil || destination != nil else { return nil }
        let stored: JSONValue = [
            "asReplicationSource": source ?? .null, "asReplicationDestination": destination ?? .null,
        ]
        return BucketReplicationRecord(bucketId: bucketId, configuration: stored.serialized(), isSource: source != nil)
    }

    private static func checkSource(_ source: JSONValue, bucketId: String, db: Database) throws {
        guard case .array(let rules)? = source["replicationRules"], !rules.isEmpty else {
            throw B2APIError.badRequest("asReplicationSource needs replicationRules: an array of 1 to 10 rules")
        }
        guard rules.count <= maximumRules else {
            throw B2APIError.badRequest("asReplicationSource has \(rules.count) rules; a bucket may have 10")
        }
        guard case .string(let keyId)? = source["sourceApplicationKeyId"], !keyId.isEmpty else {
            throw B2APIError.badRequest(
                "asReplicationSource needs sourceApplicationKeyId, the key that reads this bucket")
        }
        guard try KeyRecord.fetchOne(db, key: keyId) != nil else {
            throw B2APIError.badRequest("sourceApplicationKeyId \(keyId) is not a key of this account")
        }
        var names = Set<String>()
        for rule in rules {
            guard case .string(let name)? = rule["replicationRuleName"], (1...64).contains(name.count),
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                throw B2APIError.badRequest(
                    "replicationRuleName must be 1 to 64 letters, digits, '-' or '_'")
            }
            guard names.insert(name).inserted else {
                throw B2APIError.badRequest("Two replication rules are named \(name): names must be unique")
            }
            guard case .string(let destination)? = rule["destinationBucketId"] else {
                throw B2APIError.badRequest("Replication rule \(name) needs destinationBucketId")
            }
            guard destination != bucketId else {
                throw B2APIError.badRequest("Replication rule \(name) names its own bucket as the destination")
            }
            guard try BucketRecord.fetchOne(db, key: destination) != nil else {
                throw B2APIError.badBucketID(destination)
            }
            guard case .int(let priority)? = rule["priority"], (1...2_147_483_647).contains(priority) else {
                throw B2APIError.badRequest("Replication rule \(name) needs a priority from 1 to 2147483647")
            }
            for flag in ["isEnabled", "includeExistingFiles"] {
                guard case .bool? = rule[flag] else {
                    throw B2APIError.badRequest("Replication rule \(name) needs \(flag), true or false")
                }
            }
            guard case .string? = rule["fileNamePrefix"] else {
                throw B2APIError.badRequest("Replication rule \(name) needs fileNamePrefix (\"\" for every file)")
            }
        }
    }

    private static func checkDestination(_ destination: JSONValue) throws {
        guard case .object(let mapping)? = destination["sourceToDestinationKeyMapping"] else {
            throw B2APIError.badRequest(
                "asReplicationDestination needs sourceToDestinationKeyMapping: source key id to destination key id")
        }
        for (source, target) in mapping {
            guard !source.isEmpty, case .string(let id) = target, !id.isEmpty else {
                throw B2APIError.badRequest("sourceToDestinationKeyMapping may not hold empty key ids")
            }
        }
    }

    /// The status a new version gets: `pending` when an enabled rule of its bucket covers its name, nil otherwise
    /// and for SSE-C versions, which B2 does not replicate.
    static func statusForNewVersion(_ file: FileRecord, encryption: FileEncryptionRecord?, db: Database) throws
        -> FileReplicationRecord?
    {
        guard encryption?.mode != .sseC, let record = try BucketReplicationRecord.fetchOne(db, key: file.bucketId),
            record.isSource,
            case .array(let rules)? = Rendering.jsonText(record.configuration)["asReplicationSource"]?[
                "replicationRules"]
        else { return nil }
        let covered = rules.contains { rule in
            guard rule["isEnabled"] == true, case .string(let prefix)? = rule["fileNamePrefix"] else { return false }
            return file.fileName.hasBytePrefix(prefix)
        }
        return covered ? FileReplicationRecord(fileId: file.fileId, status: .pending) : nil
    }

    /// Refuses to turn Object Lock on for an existing bucket that replicates, as B2 does (a bucket created with
    /// both is fine).
    static func sourceReplicationConflict() -> B2APIError {
        B2APIError(
            .badRequest, "source_replication_conflict",
            "Turning on file lock for an existing bucket having source replication configuration is not allowed.")
    }

    /// `X-Bz-Replication-Status` of a download, in B2's upper case, for a version that replication covers.
    static func addDownloadHeaders(_ record: FileReplicationRecord?, to headers: inout HTTPFields) {
        guard let record else { return }
        headers[HTTPField.Name("X-Bz-Replication-Status")!] = record.status.rawValue.uppercased()
    }

    /// `replicationConfiguration` of a bucket reply.
    static func render(_ record: BucketReplicationRecord?, canRead: Bool) -> JSONValue {
        guard canRead else { return ["isClientAuthorizedToRead": false, "value": nil] }
        return [
            "isClientAuthorizedToRead": true,
            "value": record.map { Rendering.jsonText($0.configuration) } ?? nil,
        ]
    }
}
