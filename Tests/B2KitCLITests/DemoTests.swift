import B2Kit
import Foundation
import Testing

@testable import B2KitCLI

@Suite("demo")
struct DemoTests {
    @Test("b2kit demo seeds, syncs the tables with their bytes, shows the catalog, and a rerun changes nothing")
    func demoIsIdempotent() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inputs = ConfigurationInputs(
            environment: ["B2KIT_LOCAL_DATA": directory + "/data"], currentDirectory: directory
        )
        let first = Captured()
        let folder = directory + "/out"
        try await DemoOperation.run(first.context(configuration: inputs), into: folder)
        let objects = DemoOperation.seedObjects()
        let tables = objects.filter { $0.0.hasSuffix(".csv") || $0.0.hasSuffix(".json") }
        #expect(first.out.withLock { $0 }.contains("copied \(tables.count) ("))
        for (name, bytes) in tables {
            #expect(FileManager.default.contents(atPath: folder + "/" + name) == Data(bytes), "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/media/logo.png"))
        #expect(first.out.withLock { $0 }.contains("\(tables.count) objects in"))
        // The Parquet export, loaded back from the bucket: its head as pandas prints it.
        let printed = first.out.withLock { $0 }
        #expect(printed.contains("wrote 4 rows, 4 columns to b2://b2kit-demo/exports/sales-2024-q1.parquet"))
        #expect(printed.contains("   region    month  units  revenue\n0   north  2024-01  120.0  3480.50"))
        let second = Captured()
        try await DemoOperation.run(second.context(configuration: inputs), into: folder)
        let output = second.out.withLock { $0 }
        #expect(output.contains("(0 uploaded, \(objects.count) already there)"))
        #expect(output.contains("copied 0 (0 B), \(tables.count) unchanged"))
    }
}
