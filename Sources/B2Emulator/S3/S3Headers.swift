import HTTPTypes

/// Names of the `x-amz-*` headers the S3 API reads and writes.
enum S3Headers {
    static let requestId = HTTPField.Name("x-amz-request-id")!
    static let id2 = HTTPField.Name("x-amz-id-2")!
    static let contentSHA256 = HTTPField.Name("x-amz-content-sha256")!
    static let decodedContentLength = HTTPField.Name("x-amz-decoded-content-length")!
    static let trailer = HTTPField.Name("x-amz-trailer")!
    static let copySource = HTTPField.Name("x-amz-copy-source")!
    static let copySourceRange = HTTPField.Name("x-amz-copy-source-range")!
    static let copySourceVersionId = HTTPField.Name("x-amz-copy-source-version-id")!
    static let metadataDirective = HTTPField.Name("x-amz-metadata-directive")!
    static let versionId = HTTPField.Name("x-amz-version-id")!
    static let bypassGovernanceRetention = HTTPField.Name("x-amz-bypass-governance-retention")!
    static let deleteMarker = HTTPField.Name("x-amz-delete-marker")!
    static let contentMD5 = HTTPField.Name("Content-MD5")!
    static let metaPrefix = "x-amz-meta-"
}
