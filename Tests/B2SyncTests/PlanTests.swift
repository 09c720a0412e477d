import B2Kit
import Foundation
import Synchronization
import Testing

@testable import B2Sync

/// A listing held in an array, standing in for a B2 listing or a local walk.
struct ArrayListing: AsyncSequence, Sendable {
    typealias Element = SyncObject
    let objects: [SyncObject]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<SyncObject>
        mutating func next() async throws -> SyncObject? { remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: objects[...]) }
}

@Suite("Local walks and merge plans")
struct PlanTests {
    static func object(_ name: String, size: Int64 = 1, time: Int64 = 1000) -> SyncObject {
        SyncObject(name: name, size: size, modifiedMillis: time)
    }

    static func plan(
        source: [SyncObject],
        destination: [SyncObject],
        filter: SyncFilter = SyncFilter(),
        statistics: FilterStatistics = FilterStatistics()
    ) async throws -> [SyncDecision] {
        let plan = SyncPlan(
            source: ArrayListing(objects: source), destination: ArrayListing(objects: destination), filter: filter,
            statistics: statistics
        ) { from, to in from.size == to.size && from.modifiedMillis == to.modifiedMillis }
        var decisions: [SyncDecision] = []
        for try await decision in plan { decisions.append(decision) }
        return decisions
    }

    @Test("A local tree is walked in B2's byte order: a.b, then a/..., then a0; non-ASCII after ASCII")
    func localOrder() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("b2sync-walk-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let names = [
            "a.b", "a/b", "a/c/d", "a/c.d", "a0", "A", "Z/z", "é", "e", "b c", "b-c", "b/c", "ab", "a/b0", "x/.hidden",
        ]
        for name in names {
            let path = root + "/" + name
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(name.utf8).write(to: URL(fileURLWithPath: path))
        }
        try FileManager.default.createDirectory(atPath: root + "/empty/deeper", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/a.b")
        let skipped = Mutex<[LocalTree.Skipped]>([])
        var walked: [String] = []
        for try await entry in LocalTree(root: root, onSkip: { item in skipped.withLock { $0.append(item) } }) {
            walked.append(entry.name)
            #expect(entry.size == Int64(entry.name.utf8.count))
        }
        let expected = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(walked == expected)
        #expect(walked.firstIndex(of: "a.b")! < walked.firstIndex(of: "a/b")!)
        #expect(walked.firstIndex(of: "a/c/d")! < walked.firstIndex(of: "a0")!)
        #expect(skipped.withLock { $0.map(\.path) } == ["link"])
    }

    @Test("A missing root is a local-file error naming the folder")
    func missingRoot() async throws {
        await #expect {
            for try await _ in LocalTree(root: "/nonexistent/b2sync-root") {}
        } throws: { ($0 as? B2Error)?.message.contains("/nonexistent/b2sync-root does not exist") == true }
    }

    @Test("The merge join copies new and changed names, skips equal ones, and marks extra ones for deletion")
    func mergeJoin() async throws {
        let decisions = try await Self.plan(
            source: [Self.object("a"), Self.object("b", size: 2), Self.object("c"), Self.object("e")],
            destination: [Self.object("b", size: 3), Self.object("c"), Self.object("d"), Self.object("f")]
        )
        #expect(
            decisions == [
                .copy(Self.object("a"), .new), .copy(Self.object("b", size: 2), .changed), .skip(Self.object("c")),
                .delete(Self.object("d")), .copy(Self.object("e"), .new), .delete(Self.object("f")),
            ])
    }

    @Test("Filtered names are left alone on both sides; old sources are neither copied nor deleted")
    func filteredAndOld() async throws {
        let statistics = FilterStatistics()
        let filter = SyncFilter(
            rules: [.exclude(try Glob("tmp/**")), .include(try Glob("*.csv")), .include(try Glob("*.parquet"))],
            modifiedSince: Date(timeIntervalSince1970: 2)
        )
        let decisions = try await Self.plan(
            source: [Self.object("new.csv", time: 3000), Self.object("old.csv", time: 1000), Self.object("tmp/x.csv")],
            destination: [Self.object("notes.txt"), Self.object("old.csv", size: 9), Self.object("tmp/y.csv")],
            filter: filter, statistics: statistics
        )
        #expect(decisions == [.copy(Self.object("new.csv", time: 3000), .new), .tooOld(Self.object("old.csv"))])
        #expect(statistics.count(forRule: 0) == 1)
        #expect(statistics.count(forRule: 1) == 2)
        #expect(statistics.unmatchedIncludes(of: filter).map(\.pattern) == ["*.parquet"])
    }

    @Test("A listing out of B2's order is an error, not a wrong plan")
    func outOfOrder() async throws {
        await #expect {
            _ = try await Self.plan(source: [Self.object("b"), Self.object("a")], destination: [])
        } throws: { ($0 as? B2Error)?.message.contains("source listing is out of order") == true }
        // Byte order, not Swift's String order: "é" (0xC3 0xA9) sorts after "z".
        let decisions = try await Self.plan(source: [Self.object("z"), Self.object("é")], destination: [])
        #expect(decisions.map(\.name) == ["z", "é"])
    }
}
