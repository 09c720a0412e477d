import B2Kit
import B2Sync
import Foundation

/// Checks of values that decode but may still be unacceptable.
enum Validation {
    /// A display name: 1 to 200 characters, no control characters.
    static func name(_ name: String, field: String = "name") throws {
        guard !name.isEmpty, name.count <= 200,
            !name.unicodeScalars.contains(where: { $0.properties.isWhitespace && $0 != " " || $0.value < 0x20 })
        else {
            throw Problem.invalid(field, "\(field) must be 1 to 200 characters without control characters")
        }
    }

    /// The two sides of a sync: a bucket path (four forms) into a local folder, or a local folder into a bucket.
    /// The local side is resolved inside `roots` (every link followed); the endpoint carries its real path.
    static func sides(source: String, destination: String, roots: ServiceRoots) throws -> (SyncEndpoint, SyncEndpoint) {
        let lower = destination.lowercased()
        if lower.hasPrefix("b2://") || lower.hasPrefix("s3://") {
            let target: SyncEndpoint
            do { target = try SyncEndpoint.parse(destination) } catch let error as B2Error {
                throw Problem.invalid("destination", error.message)
            }
            let sourceLower = source.lowercased()
            guard !sourceLower.hasPrefix("b2://"), !sourceLower.hasPrefix("s3://") else {
                throw Problem.invalid(
                    "source_path",
                    "With a bucket destination, source_path must be a local folder inside a root, such as 'raw/2024'"
                        + roots.listed)
            }
            return (.folder(try roots.resolve(source, field: "source_path")), target)
        }
        let sourceLower = source.lowercased()
        let hasScheme = sourceLower.hasPrefix("b2://") || sourceLower.hasPrefix("s3://")
        guard !source.hasPrefix("/"), !source.isEmpty else {
            throw Problem.invalid(
                "source_path",
                "source_path must name a bucket: b2://BUCKET/PREFIX, s3://BUCKET/PREFIX, BUCKET/PREFIX or BUCKET")
        }
        let endpoint: SyncEndpoint
        do {
            endpoint = try SyncEndpoint.parse(source, requireScheme: hasScheme)
        } catch let error as B2Error {
            throw Problem.invalid("source_path", error.message)
        }
        guard case .bucket(let path) = endpoint, isBucketName(path.bucket) else {
            throw Problem.invalid(
                "source_path", "'\(source)' does not start with a valid bucket name (6-63 letters, digits and '-')")
        }
        return (endpoint, .folder(try roots.resolve(destination, field: "destination")))
    }

    /// B2's bucket name rule: 6 to 63 letters, digits and '-'.
    static func isBucketName(_ name: String) -> Bool {
        (6...63).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    /// Include and exclude globs as filter rules: excludes first, so an exclude always wins.
    static func filter(include: [String], exclude: [String], modifiedSince: String?) throws -> SyncFilter {
        var rules: [SyncFilter.Rule] = []
        for (index, pattern) in exclude.enumerated() {
            do { rules.append(.exclude(try Glob(pattern))) } catch let error as B2Error {
                throw Problem.invalid("exclude_patterns[\(index)]", error.message)
            }
        }
        for (index, pattern) in include.enumerated() {
            do { rules.append(.include(try Glob(pattern))) } catch let error as B2Error {
                throw Problem.invalid("include_patterns[\(index)]", error.message)
            }
        }
        var since: Date?
        if let modifiedSince {
            do { since = try SyncFilter.parseModifiedSince(modifiedSince) } catch {
                throw Problem.invalid(
                    "modified_since",
                    "modified_since '\(modifiedSince)' is not an ISO 8601 date: write 2024-05-01 or 2024-05-01T12:00:00Z"
                )
            }
        }
        return SyncFilter(rules: rules, modifiedSince: since)
    }
}
