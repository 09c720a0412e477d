import B2SigV4
import Testing

@Suite("Percent-encoding")
struct PercentEncodingTests {
    @Test(
        "B2's percent-encoding vectors round-trip",
        arguments: [
            (" ", "%20"), ("!", "!"), ("\"", "%22"), ("#", "%23"), ("$", "$"), ("%", "%25"), ("&", "%26"),
            ("'", "'"), ("(", "("), (")", ")"), ("*", "*"), ("+", "%2B"), (",", "%2C"), ("-", "-"), (".", "."),
            ("/", "/"), ("0", "0"), (":", ":"), (";", ";"), ("<", "%3C"), ("=", "="), (">", "%3E"), ("?", "%3F"),
            ("@", "@"), ("[", "%5B"), ("\\", "%5C"), ("]", "%5D"), ("^", "%5E"), ("_", "_"), ("`", "%60"),
            ("{", "%7B"), ("|", "%7C"), ("}", "%7D"), ("~", "~"), ("\u{7F}", "%7F"), ("\u{10FFFF}", "%F4%8F%BF%BF"),
            ("é", "%C3%A9"), ("dir/héllo wörld+plus.txt", "dir/h%C3%A9llo%20w%C3%B6rld%2Bplus.txt"),
        ]
    )
    func percentEncoding(decoded: String, encoded: String) {
        #expect(PercentEncoding.b2.encode(decoded) == encoded)
        #expect(PercentEncoding.b2.decode(encoded) == decoded)
    }

    @Test("Decoding treats + as space and rejects broken escapes")
    func percentDecoding() {
        #expect(PercentEncoding.b2.decode("a+b") == "a b")
        #expect(PercentEncoding.b2.decode("%41%2b") == "A+")
        #expect(PercentEncoding.b2.decode("%4") == nil)
        #expect(PercentEncoding.b2.decode("%zz") == nil)
        #expect(PercentEncoding.b2.decode("%C3") == nil)
    }

    @Test(
        "S3 encodes a path once, keeping / and the unreserved marks",
        arguments: [
            ("/b/a b", "/b/a%20b"), ("/b/~-_.", "/b/~-_."), ("/b/a+b=c", "/b/a%2Bb%3Dc"),
            ("/b/é", "/b/%C3%A9"), ("/b/100%", "/b/100%25"), ("/b//x", "/b//x"),
        ])
    func pathEncoding(_ pair: (String, String)) {
        #expect(PercentEncoding.sigV4Path.encode(pair.0) == pair.1)
        #expect(PercentEncoding.sigV4.decode(pair.1) == pair.0)
    }

    @Test("query encoding encodes / too; decoding keeps + and rejects broken escapes")
    func queryEncoding() {
        #expect(PercentEncoding.sigV4.encode("a/b c") == "a%2Fb%20c")
        #expect(PercentEncoding.sigV4.decode("a+b") == "a+b")
        #expect(PercentEncoding.sigV4.decode("%zz") == nil)
        #expect(PercentEncoding.sigV4.decode("%C3") == nil)
    }

    @Test("A custom set leaves exactly its bytes unencoded")
    func customSet() {
        let encoding = PercentEncoding(unescaped: "ab", plusIsSpace: false)
        #expect(encoding.encode("abc+") == "ab%63%2B")
        #expect(encoding.decode("%61%62c+") == "abc+")
    }
}
