import B2SigV4
import HTTPTypes

/// Object Lock on the S3 API's object requests: `x-amz-object-lock-mode` (GOVERNANCE or COMPLIANCE) with
/// `x-amz-object-lock-retain-until-date` (ISO 8601), and `x-amz-object-lock-legal-hold` (ON or OFF), read into the
/// same request the native headers give, and written back on GetObject and HeadObject.
enum S3ObjectLockHeaders {
    static let mode = HTTPField.Name("x-amz-object-lock-mode")!
    static let retainUntil = HTTPField.Name("x-amz-object-lock-retain-until-date")!
    static let legalHold = HTTPField.Name("x-amz-object-lock-legal-hold")!

    /// The lock a PutObject, CopyObject or CreateMultipartUpload asks for.
    static func requested(_ headers: HTTPFields) throws -> ObjectLock.Requested {
        var requested = ObjectLock.Requested()
        switch (headers[mode], headers[retainUntil]) {
        case (nil, nil): break
        case (let mode?, let until?):
            requested.retention = (try retentionMode(mode), try timestamp(until, header: retainUntil))
        default:
            throw S3Error.invalidArgument(
                "x-amz-object-lock-mode and x-amz-object-lock-retain-until-date must both be supplied")
        }
        if let hold = headers[legalHold] { requested.legalHold = try self.legalHold(hold) }
        return requested
    }

    /// `GOVERNANCE` or `COMPLIANCE`.
    static func retentionMode(_ text: String) throws -> RetentionMode {
        guard let mode = RetentionMode(rawValue: text.lowercased()) else {
            throw S3Error.invalidArgument("The retention mode must be GOVERNANCE or COMPLIANCE, not \(text)")
        }
        return mode
    }

    /// `ON` or `OFF`.
    static func legalHold(_ text: String) throws -> LegalHold {
        guard let hold = LegalHold(rawValue: text.lowercased()) else {
            throw S3Error.invalidArgument("The legal hold status must be ON or OFF, not \(text)")
        }
        return hold
    }

    /// An ISO 8601 date-time with a zone, in milliseconds since the epoch.
    static func timestamp(_ text: String, header: HTTPField.Name? = nil) throws -> Int64 {
        guard let parsed = ISO8601Timestamp.parse(text), parsed.zoned else {
            throw S3Error.invalidArgument(
                "\(header?.rawName ?? "RetainUntilDate") must be an ISO 8601 date-time with a zone, such as "
                    + "2030-01-01T00:00:00Z, not \(text)")
        }
        return parsed.ticks / 1_000_000
    }

    /// The lock headers of a GetObject or HeadObject, each shown only to a key that may read it.
    static func add(_ lock: FileLockRecord?, principal: Principal, to headers: inout HTTPFields) {
        guard let lock else { return }
        let capabilities = principal.key.capabilityList
        if capabilities.contains("readFileRetentions"), let mode = lock.retentionMode, let until = lock.retainUntil {
            headers[self.mode] = mode.rawValue.uppercased()
            headers[retainUntil] = S3Time.iso8601(until)
        }
        if capabilities.contains("readFileLegalHolds"), let hold = lock.legalHold {
            headers[legalHold] = hold.rawValue.uppercased()
        }
    }
}
