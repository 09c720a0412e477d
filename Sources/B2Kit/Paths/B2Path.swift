/// A bucket and an object name (or prefix) in B2, with the API to reach them through.
///
/// Written `b2://bucket/prefix` (native B2 API) or `s3://bucket/prefix` (the S3-compatible API of the same
/// account). Configuration files and the service also accept the bare forms `bucket/prefix` and `bucket`, which
/// mean the native API.
public struct B2Path: Sendable, Hashable, CustomStringConvertible {
    /// Which API of the account a path is reached through.
    public enum Scheme: String, Sendable, Hashable, CaseIterable {
        /// The native B2 API (`b2://`).
        case b2
        /// The S3-compatible API (`s3://`).
        case s3
    }

    /// The API the path is reached through.
    public var scheme: Scheme
    /// The bucket name.
    public var bucket: String
    /// The object name or name prefix; empty for the whole bucket.
    public var key: String

    /// Creates a path without checking it; use ``parse(_:requireScheme:)`` for text from people.
    ///
    /// - Parameters:
    ///   - scheme: the API to use.
    ///   - bucket: the bucket name.
    ///   - key: the object name or prefix, empty for the whole bucket.
    public init(scheme: Scheme = .b2, bucket: String, key: String = "") {
        self.scheme = scheme
        self.bucket = bucket
        self.key = key
    }

    /// The path as it is written: `b2://bucket/key`, or `b2://bucket` when the key is empty.
    public var description: String {
        key.isEmpty ? "\(scheme.rawValue)://\(bucket)" : "\(scheme.rawValue)://\(bucket)/\(key)"
    }

    /// Reads a path such as `b2://bucket/prefix`, `s3://bucket/prefix`, `bucket/prefix` or `bucket`.
    ///
    /// - Parameters:
    ///   - text: the path as written.
    ///   - requireScheme: true on the command line, where remote paths always carry `b2://` or `s3://`; false
    ///     in configuration files, where the bare forms mean the native API.
    /// - Returns: the path.
    /// - Throws: `B2Error` with code `.usage` whose message says what to fix: a missing or unknown scheme, an
    ///   empty or invalid bucket name, or an object name B2 cannot store.
    public static func parse(_ text: String, requireScheme: Bool) throws -> B2Path {
        guard !text.isEmpty else {
            throw B2Error(.usage, "The path is empty: use b2://BUCKET/PATH (native API) or s3://BUCKET/PATH (S3 API)")
        }
        let scheme: Scheme
        let rest: Substring
        if let written = SchemePrefix(text) {
            guard let known = Scheme(rawValue: written.name.lowercased()) else {
                throw B2Error(
                    .usage,
                    "'\(text)' uses the scheme '\(written.name)://', which b2kit does not know: "
                        + "use b2://BUCKET/PATH (native API) or s3://BUCKET/PATH (S3 API)"
                )
            }
            scheme = known
            rest = written.rest
        } else if let typo = SchemePrefix.almost(text) {
            throw B2Error(
                .usage,
                "'\(text)' looks like a \(typo.rawValue):// path without the '//': write \(typo.rawValue)://BUCKET/PATH"
            )
        } else if requireScheme {
            throw B2Error(
                .usage,
                "'\(text)' has no scheme, so it is not a B2 path: use b2://BUCKET/PATH (native API) or "
                    + "s3://BUCKET/PATH (S3 API)"
            )
        } else {
            scheme = .b2
            rest = Substring(text)
        }

        let bucket: Substring
        let key: Substring
        if let slash = rest.firstIndex(of: "/") {
            bucket = rest[..<slash]
            key = rest[rest.index(after: slash)...]
        } else {
            bucket = rest
            key = ""
        }
        guard !bucket.isEmpty else {
            throw B2Error(.usage, "'\(text)' has no bucket name: write \(scheme.rawValue)://BUCKET/PATH")
        }
        try checkBucketName(String(bucket), in: text)
        try checkKey(String(key), in: text)
        return B2Path(scheme: scheme, bucket: String(bucket), key: String(key))
    }

    /// Checks a bucket name against B2's rules: 6 to 63 letters, digits and '-', not starting with `b2-`.
    ///
    /// - Parameter name: the bucket name.
    /// - Throws: `B2Error` with code `.usage` saying which rule the name breaks.
    public static func checkBucketName(_ name: String) throws {
        try checkBucketName(name, in: nil)
    }

    private static func checkBucketName(_ name: String, in text: String?) throws {
        let wherein = text.map { " in '\($0)'" } ?? ""
        let rules = "bucket names are 6 to 63 letters, digits and '-', and do not start with 'b2-'"
        if let bad = name.unicodeScalars.first(where: { !isBucketNameCharacter($0) }) {
            let shown = bad.value < 0x20 || bad.value == 0x7F ? "a control character" : "'\(bad)'"
            throw B2Error(.usage, "The bucket name '\(name)'\(wherein) contains \(shown): \(rules)")
        }
        if name.count < 6 {
            throw B2Error(
                .usage, "The bucket name '\(name)'\(wherein) is too short (\(name.count) characters): \(rules)")
        }
        if name.count > 63 {
            throw B2Error(
                .usage, "The bucket name '\(name)'\(wherein) is too long (\(name.count) characters): \(rules)")
        }
        if name.lowercased().hasPrefix("b2-") {
            throw B2Error(
                .usage, "The bucket name '\(name)'\(wherein) starts with 'b2-', which Backblaze reserves: \(rules)"
            )
        }
    }

    private static func isBucketNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-": true
        default: false
        }
    }

    private static func checkKey(_ key: String, in text: String) throws {
        if key.hasPrefix("/") {
            throw B2Error(
                .usage,
                "'\(text)' has an object name starting with '/', which B2 does not allow: "
                    + "write one '/' between the bucket and the name"
            )
        }
        if key.utf8.count > 1024 {
            throw B2Error(
                .usage, "The object name in '\(text.prefix(80))...' is \(key.utf8.count) bytes: B2 allows at most 1024"
            )
        }
        if key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw B2Error(.usage, "The object name in '\(text)' contains a control character, which B2 does not allow")
        }
    }
}
