import Foundation
import Testing

@testable import B2SigV4

@Suite("SigV4 encoding and timestamps")
struct EncodingTests {
    @Test(
        "S3 encodes a path once, keeping / and the unreserved marks",
        arguments: [
            ("/b/a b", "/b/a%20b"), ("/b/~-_.", "/b/~-_."), ("/b/a+b=c", "/b/a%2Bb%3Dc"),
            ("/b/é", "/b/%C3%A9"), ("/b/100%", "/b/100%25"), ("/b//x", "/b//x"),
        ])
    func pathEncoding(_ pair: (String, String)) {
        #expect(SigV4PercentEncoding.encodePath(pair.0) == pair.1)
        #expect(SigV4PercentEncoding.decode(pair.1) == pair.0)
    }

    @Test("query encoding encodes / too; decoding keeps + and rejects broken escapes")
    func queryEncoding() {
        #expect(SigV4PercentEncoding.encode("a/b c") == "a%2Fb%20c")
        #expect(SigV4PercentEncoding.decode("a+b") == "a+b")
        #expect(SigV4PercentEncoding.decode("%zz") == nil)
        #expect(SigV4PercentEncoding.decode("%C3") == nil)
    }

    @Test(
        "timestamps format and parse both ways",
        arguments: [
            (0.0, "19700101T000000Z"), (1_369_353_600, "20130524T000000Z"), (951_782_400, "20000229T000000Z"),
            (4_102_444_799, "20991231T235959Z"),
        ])
    func timestamps(_ pair: (Double, String)) {
        let timestamp = SigV4Timestamp(Date(timeIntervalSince1970: pair.0 + 0.75))
        #expect(timestamp.amzDate == pair.1)
        #expect(SigV4Timestamp(amzDate: pair.1)?.date == Date(timeIntervalSince1970: pair.0))
    }

    @Test("impossible timestamps are rejected", arguments: ["20130230T000000Z", "20130524T240000Z", "2013-05-24", ""])
    func badTimestamps(_ text: String) {
        #expect(SigV4Timestamp(amzDate: text) == nil)
    }

    @Test("credentials never print their secret")
    func redaction() {
        let credentials = SigV4Credentials(accessKeyId: "id", secretAccessKey: "s3cr3t", sessionToken: "tok")
        #expect(!String(describing: credentials).contains("s3cr3t"))
        #expect(!String(describing: credentials).contains("tok"))
    }
}
