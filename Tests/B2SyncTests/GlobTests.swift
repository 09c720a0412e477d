import B2Kit
import Testing

@testable import B2Sync

@Suite("Globs and filters")
struct GlobTests {
    /// (pattern, name, matches) in rclone's semantics.
    static let table: [(String, String, Bool)] = [
        // `*` stays in a segment; an unanchored pattern matches a whole trailing segment run.
        ("*.csv", "a.csv", true),
        ("*.csv", "logs/2024/a.csv", true),
        ("*.csv", "a.csv.gz", false),
        ("a.csv", "ba.csv", false),
        ("a.csv", "x/a.csv", true),
        ("logs/*.csv", "logs/a.csv", true),
        ("logs/*.csv", "logs/2024/a.csv", false),
        ("logs/*.csv", "old/logs/a.csv", true),
        // A leading `/` anchors at the root.
        ("/logs/*.csv", "old/logs/a.csv", false),
        ("/logs/*.csv", "logs/a.csv", true),
        // `**` crosses segments.
        ("logs/**", "logs/2024/05/a.csv", true),
        ("/logs/**", "x/logs/a", false),
        ("**/a.csv", "a/b/c/a.csv", true),
        ("/**.json", "deep/er/x.json", true),
        // A trailing `/` names a folder's contents.
        ("tmp/", "tmp/x/y", true),
        ("tmp/", "tmpfile", false),
        // `?`, classes, negated classes, alternatives.
        ("file?.txt", "file1.txt", true),
        ("file?.txt", "file10.txt", false),
        ("file?.txt", "file/.txt", false),
        ("file?.txt", "fileé.txt", true),
        ("[a-c]*.txt", "b.txt", true),
        ("[a-c]*.txt", "d.txt", false),
        ("[!a-c]*.txt", "d.txt", true),
        ("[!a-c]*.txt", "a.txt", false),
        ("*.{jpg,png}", "img/x.png", true),
        ("*.{jpg,png}", "img/x.gif", false),
        ("{logs,data/{raw,clean}}/*", "data/clean/x", true),
        ("{logs,data/{raw,clean}}/*", "data/other/x", false),
        // Escapes and literal specials.
        ("a\\*b", "a*b", true),
        ("a\\*b", "axb", false),
        ("report (1).pdf", "x/report (1).pdf", true),
        ("日本/*.txt", "日本/メモ.txt", true),
    ]

    @Test("The glob table", arguments: table)
    func globTable(pattern: String, name: String, expected: Bool) throws {
        #expect(try Glob(pattern).matches(name) == expected, "\(pattern) against \(name)")
    }

    @Test(
        "Malformed globs are usage errors that say what to fix",
        arguments: [
            ("", "empty glob"), ("a[bc", "never closes"), ("{a,b", "never closes"), ("a}", "without its '{'"),
            ("a\\", "lone '\\'"), ("[z-a]", "backwards range"),
        ])
    func malformed(pattern: String, hint: String) {
        #expect {
            _ = try Glob(pattern)
        } throws: { error in
            guard let error = error as? B2Error else { return false }
            return error.code == .usage && error.message.contains(hint)
        }
    }

    @Test("A pathological pattern stays fast: failed (token, position) pairs are remembered")
    func pathological() throws {
        let glob = try Glob("**a**a**a**a**a**a**b")
        let name = String(repeating: "a/", count: 500)
        #expect(!glob.matches(name))
    }

    @Test("The first matching rule decides, in the order given; includes make the rest excluded")
    func ruleOrder() throws {
        let keepCSVFirst = SyncFilter(rules: [.include(try Glob("*.csv")), .exclude(try Glob("tmp/**"))])
        #expect(keepCSVFirst.includes("tmp/a.csv"))
        #expect(!keepCSVFirst.includes("tmp/a.json"))
        #expect(!keepCSVFirst.includes("b.json"))
        let dropTmpFirst = SyncFilter(rules: [.exclude(try Glob("tmp/**")), .include(try Glob("*.csv"))])
        #expect(!dropTmpFirst.includes("tmp/a.csv"))
        #expect(dropTmpFirst.includes("a.csv"))
        let excludesOnly = SyncFilter(rules: [.exclude(try Glob("*.tmp"))])
        #expect(excludesOnly.includes("a.csv"))
        #expect(!excludesOnly.includes("x/a.tmp"))
        #expect(SyncFilter().includes("anything/at/all"))
    }

    @Test("--modified-since reads ISO 8601 dates and date-times, and refuses anything else")
    func modifiedSince() throws {
        let day = try SyncFilter.parseModifiedSince("2024-05-01")
        #expect(day.timeIntervalSince1970 == 1_714_521_600)
        let instant = try SyncFilter.parseModifiedSince("2024-05-01T12:00:00Z")
        #expect(instant.timeIntervalSince1970 == 1_714_564_800)
        let fraction = try SyncFilter.parseModifiedSince("2024-05-01T12:00:00.250+02:00")
        #expect(fraction.timeIntervalSince1970 == 1_714_557_600.25)
        let filter = SyncFilter(modifiedSince: instant)
        #expect(filter.isRecentEnough(modifiedMillis: 1_714_564_800_000))
        #expect(!filter.isRecentEnough(modifiedMillis: 1_714_564_799_999))
        #expect {
            _ = try SyncFilter.parseModifiedSince("yesterday")
        } throws: { ($0 as? B2Error)?.message.contains("2024-05-01T12:00:00Z") == true }
    }
}

@Test("Glob.exactly matches one name only, its special characters literal")
func exactGlob() throws {
    let glob = try Glob.exactly("d[1]/a*{b}?.csv")
    #expect(glob.matches("d[1]/a*{b}?.csv"))
    for other in ["d1/ab.csv", "x/d[1]/a*{b}?.csv", "d[1]/a*{b}?.csvx", "d[1]/axx{b}y.csv"] {
        #expect(!glob.matches(other), "\(other)")
    }
}
