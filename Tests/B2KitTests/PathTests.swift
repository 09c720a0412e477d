import Testing

@testable import B2Kit

@Suite("B2Path and Location")
struct PathTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        let text: String
        let requireScheme: Bool
        let scheme: B2Path.Scheme
        let bucket: String
        let key: String
        var testDescription: String { "\(text) (requireScheme: \(requireScheme))" }
    }

    static let valid: [Valid] = [
        Valid(text: "b2://my-bucket/a/b.txt", requireScheme: true, scheme: .b2, bucket: "my-bucket", key: "a/b.txt"),
        Valid(text: "s3://my-bucket/prefix/", requireScheme: true, scheme: .s3, bucket: "my-bucket", key: "prefix/"),
        Valid(text: "b2://my-bucket", requireScheme: true, scheme: .b2, bucket: "my-bucket", key: ""),
        Valid(text: "b2://my-bucket/", requireScheme: true, scheme: .b2, bucket: "my-bucket", key: ""),
        Valid(text: "B2://Data-2024/x", requireScheme: true, scheme: .b2, bucket: "Data-2024", key: "x"),
        Valid(text: "S3://my-bucket/x", requireScheme: false, scheme: .s3, bucket: "my-bucket", key: "x"),
        Valid(text: "my-bucket/prefix/a", requireScheme: false, scheme: .b2, bucket: "my-bucket", key: "prefix/a"),
        Valid(text: "my-bucket", requireScheme: false, scheme: .b2, bucket: "my-bucket", key: ""),
        Valid(
            text: "b2://my-bucket/with space/é?#.txt", requireScheme: true, scheme: .b2, bucket: "my-bucket",
            key: "with space/é?#.txt"),
        Valid(text: "b2://abcdef/x", requireScheme: true, scheme: .b2, bucket: "abcdef", key: "x"),
        Valid(
            text: "b2://\(String(repeating: "a", count: 63))", requireScheme: true, scheme: .b2,
            bucket: String(repeating: "a", count: 63), key: ""),
    ]

    @Test("parses b2://, s3:// and, outside the command line, bare bucket/prefix and bucket", arguments: valid)
    func parsesValidPaths(_ example: Valid) throws {
        let path = try B2Path.parse(example.text, requireScheme: example.requireScheme)
        #expect(path.scheme == example.scheme)
        #expect(path.bucket == example.bucket)
        #expect(path.key == example.key)
    }

    @Test("description is scheme://bucket/key and parses back to the same path", arguments: valid)
    func descriptionRoundTrips(_ example: Valid) throws {
        let path = try B2Path.parse(example.text, requireScheme: example.requireScheme)
        let written = path.description
        #expect(written.hasPrefix("\(example.scheme.rawValue)://\(example.bucket)"))
        #expect(try B2Path.parse(written, requireScheme: true) == path)
    }

    @Test("description of a bucket and key")
    func description() {
        #expect(B2Path(scheme: .b2, bucket: "my-bucket", key: "a/b").description == "b2://my-bucket/a/b")
        #expect(B2Path(scheme: .s3, bucket: "my-bucket", key: "").description == "s3://my-bucket")
    }

    @Test(
        "refuses bad paths with a usage error that says what to fix",
        arguments: [
            ("my-bucket/x", true, "use b2://BUCKET/PATH (native API) or s3://BUCKET/PATH"),
            ("my-bucket", true, "has no scheme"),
            ("gs://my-bucket/x", true, "'gs://', which b2kit does not know: use b2://BUCKET/PATH"),
            ("gs://my-bucket/x", false, "'gs://', which b2kit does not know"),
            ("https://example.com/x", false, "'https://', which b2kit does not know"),
            ("b2://", true, "has no bucket name: write b2://BUCKET/PATH"),
            ("s3:///key", true, "has no bucket name: write s3://BUCKET/PATH"),
            ("/my-bucket/x", false, "has no bucket name"),
            ("", false, "The path is empty"),
            ("b2://abc", true, "is too short (3 characters): bucket names are 6 to 63"),
            ("b2://\(String(repeating: "a", count: 64))", true, "is too long (64 characters)"),
            ("b2://my_bucket/x", true, "contains '_': bucket names are 6 to 63 letters, digits and '-'"),
            ("b2://my.bucket/x", true, "contains '.'"),
            ("b2://b2-bucket/x", true, "starts with 'b2-', which Backblaze reserves"),
            ("b2:my-bucket/x", true, "looks like a b2:// path without the '//': write b2://BUCKET/PATH"),
            ("s3:/my-bucket", false, "looks like a s3:// path without the '//'"),
            ("b2://my-bucket//x", true, "object name starting with '/'"),
            ("b2://my-bucket/a\u{1}b", true, "control character"),
            ("b2://my-bucket/\(String(repeating: "x", count: 1025))", true, "B2 allows at most 1024"),
        ]
    )
    func refusesBadPaths(text: String, requireScheme: Bool, expected: String) {
        do {
            let path = try B2Path.parse(text, requireScheme: requireScheme)
            Issue.record("parsed \(path)")
        } catch let error as B2Error {
            #expect(error.code == .usage)
            #expect(error.message.contains(expected), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("checkBucketName accepts B2's names and refuses the rest")
    func checkBucketName() throws {
        try B2Path.checkBucketName("photos-2024")
        #expect(throws: B2Error.self) { try B2Path.checkBucketName("b2-photos") }
        #expect(throws: B2Error.self) { try B2Path.checkBucketName("short") }
    }

    @Test(
        "command-line arguments: b2:// and s3:// are remote, '-' is a standard stream, anything else is local",
        arguments: [
            ("b2://my-bucket/a.csv", Location.remote(B2Path(scheme: .b2, bucket: "my-bucket", key: "a.csv"))),
            ("s3://my-bucket", Location.remote(B2Path(scheme: .s3, bucket: "my-bucket"))),
            ("-", Location.standardStream),
            ("./data", Location.local("./data")),
            ("data/file.csv", Location.local("data/file.csv")),
            ("my-bucket/prefix", Location.local("my-bucket/prefix")),
            ("/tmp/x y", Location.local("/tmp/x y")),
            ("./b2:odd-name", Location.local("./b2:odd-name")),
        ]
    )
    func parsesLocations(argument: String, expected: Location) throws {
        let location = try Location.parse(argument)
        #expect(location == expected)
        #expect(location.description == argument || argument.hasSuffix("/"))
    }

    @Test(
        "refuses arguments that are neither local nor a valid remote path",
        arguments: [
            ("gs://my-bucket/x", "'gs://', which b2kit does not know"),
            ("", "The path is empty"),
            ("b2:my-bucket/x", "or ./b2:my-bucket/x for a local file"),
            ("b2://ab/x", "too short"),
        ]
    )
    func refusesBadLocations(argument: String, expected: String) {
        do {
            let location = try Location.parse(argument)
            Issue.record("parsed \(location)")
        } catch let error as B2Error {
            #expect(error.code == .usage)
            #expect(error.message.contains(expected), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
