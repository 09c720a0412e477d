/// The one error type of B2Kit: what went wrong, what to do about it, and the service's own words.
///
/// `code` says what kind of failure it is (stable, for programs); `message` says what happened and what to do
/// next (for people); `context` keeps what B2 or S3 answered (HTTP status, B2 `code`, S3 `Code`, request id) and
/// which bucket and key were involved; `cause` is the underlying error, if any.
public struct B2Error: Error, CustomStringConvertible, Sendable {
    /// A kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case usage, configuration, credentialsMissing, badCredentials, expiredCredentials, missingCapability
            case restricted, notFound, alreadyExists, conflict, invalidRequest, rateLimited, serviceUnavailable
            case server, transport, timeout, integrity, localFile, cancelled, malformedData, unreachable
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The command line or an argument was wrong.
        public static let usage = Code(.usage)
        /// A configuration file or profile is malformed or incomplete.
        public static let configuration = Code(.configuration)
        /// No credentials were found anywhere.
        public static let credentialsMissing = Code(.credentialsMissing)
        /// The key id or key was refused.
        public static let badCredentials = Code(.badCredentials)
        /// The key or token has expired.
        public static let expiredCredentials = Code(.expiredCredentials)
        /// The key lacks a capability the operation needs.
        public static let missingCapability = Code(.missingCapability)
        /// The key is restricted to other buckets or another name prefix.
        public static let restricted = Code(.restricted)
        /// The bucket, file or version does not exist.
        public static let notFound = Code(.notFound)
        /// A bucket with that name already exists.
        public static let alreadyExists = Code(.alreadyExists)
        /// A concurrent change or a precondition failed.
        public static let conflict = Code(.conflict)
        /// The service refused the request as malformed.
        public static let invalidRequest = Code(.invalidRequest)
        /// Too many requests: retried, then given up.
        public static let rateLimited = Code(.rateLimited)
        /// The service was unavailable: retried, then given up.
        public static let serviceUnavailable = Code(.serviceUnavailable)
        /// Another server-side failure.
        public static let server = Code(.server)
        /// The connection failed.
        public static let transport = Code(.transport)
        /// Every connection to the host was refused or timed out for the client's whole unreachable window
        /// (`RetryPolicy.unreachableWindow`): every caller stopped retrying (`CircuitBreaker`).
        public static let unreachable = Code(.unreachable)
        /// A deadline passed.
        public static let timeout = Code(.timeout)
        /// Bytes did not match their checksum or length.
        public static let integrity = Code(.integrity)
        /// A local file could not be read or written.
        public static let localFile = Code(.localFile)
        /// The operation was cancelled.
        public static let cancelled = Code(.cancelled)
        /// A file's contents do not follow its format (a CSV row with too many fields, a corrupt Parquet file).
        public static let malformedData = Code(.malformedData)

        /// The code's name.
        public var description: String { value.rawValue }
    }

    /// What the service answered and what was being worked on.
    public struct Context: Sendable, Equatable {
        /// The HTTP status, if a response came back.
        public var httpStatus: Int?
        /// B2's error `code`, such as `unauthorized`.
        public var b2Code: String?
        /// S3's error `Code`, such as `SignatureDoesNotMatch`.
        public var s3Code: String?
        /// The service's request id.
        public var requestId: String?
        /// The bucket involved.
        public var bucket: String?
        /// The object name involved.
        public var key: String?

        /// Creates a context.
        public init(
            httpStatus: Int? = nil,
            b2Code: String? = nil,
            s3Code: String? = nil,
            requestId: String? = nil,
            bucket: String? = nil,
            key: String? = nil
        ) {
            self.httpStatus = httpStatus
            self.b2Code = b2Code
            self.s3Code = s3Code
            self.requestId = requestId
            self.bucket = bucket
            self.key = key
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened and what to do next.
    public var message: String
    /// What the service answered and what was involved.
    public var context: Context
    /// The underlying error.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, context: Context = Context(), cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.cause = cause
    }

    /// The message, followed by the service's status and code when there was one.
    public var description: String {
        var details: [String] = []
        if let status = context.httpStatus { details.append("HTTP \(status)") }
        if let b2Code = context.b2Code { details.append(b2Code) }
        if let s3Code = context.s3Code { details.append(s3Code) }
        return details.isEmpty ? message : "\(message) [\(details.joined(separator: " "))]"
    }

    /// True for mistakes in how b2kit was asked to do something (exit code 2), false for failures while doing it.
    public var isUsageError: Bool {
        code == .usage || code == .configuration || code == .credentialsMissing
    }
}
