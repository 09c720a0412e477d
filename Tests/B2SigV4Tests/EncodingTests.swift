import Foundation
import Testing

@testable import B2SigV4

@Suite("SigV4 encoding and timestamps")
struct EncodingTests {
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
