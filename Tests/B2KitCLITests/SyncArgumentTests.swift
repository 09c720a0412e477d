import B2Kit
import B2Sync
import Testing

@testable import B2KitCLI

@Suite("sync arguments")
struct SyncArgumentTests {
    @Test("--include and --exclude keep the order they were given in, in both spellings")
    func ruleOrder() throws {
        let rules = try SyncOperation.rules(fromArguments: [
            "sync", "b2://b/p", "out", "--exclude", "tmp/**", "--json", "--include=*.csv", "--include", "{a,b}.json",
        ])
        #expect(rules == [.exclude(try Glob("tmp/**")), .include(try Glob("*.csv")), .include(try Glob("{a,b}.json"))])
        #expect(!SyncFilter(rules: rules).includes("tmp/x.csv"))
    }

    @Test("A rule without its pattern, or with a malformed one, is a usage error")
    func badRules() {
        #expect { try SyncOperation.rules(fromArguments: ["--include"]) } throws: {
            ($0 as? B2Error)?.code == .usage
        }
        #expect { try SyncOperation.rules(fromArguments: ["--exclude", "{x"]) } throws: {
            ($0 as? B2Error)?.code == .usage
        }
    }
}
