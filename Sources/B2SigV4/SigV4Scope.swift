/// A credential scope: `<yyyyMMdd>/<region>/<service>/aws4_request`.
public struct SigV4Scope: Sendable, Equatable, CustomStringConvertible {
    /// The `yyyyMMdd` date.
    public var date: String
    /// The region, such as `us-west-004`.
    public var region: String
    /// The service, `s3` for S3.
    public var service: String

    /// Creates a scope.
    /// - Parameters:
    ///   - date: The `yyyyMMdd` date.
    ///   - region: The region.
    ///   - service: The service.
    public init(date: String, region: String, service: String) {
        self.date = date
        self.region = region
        self.service = service
    }

    /// The scope as it appears in the string to sign and in `Credential=`.
    public var description: String { "\(date)/\(region)/\(service)/aws4_request" }
}
