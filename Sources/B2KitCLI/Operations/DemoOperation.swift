import B2Kit
import B2Sync
import Foundation
import NIOCore

/// `b2kit demo`: the main job on the embedded emulator, for a newcomer.
///
/// Seeds the `local` profile's emulator with a small, realistic bucket (nested prefixes, CSV and JSON tables,
/// images, and a clickstream CSV large enough to go up in parts), syncs the tables into a local folder with an
/// include pattern, and prints the summary and the catalog; then exports one synced CSV to the bucket as Parquet
/// and loads it back, printing its head. Running it again changes nothing: objects already there are not
/// uploaded again, and the sync finds every file unchanged (the Parquet export is rewritten, as a new version).
public enum DemoOperation {
    /// The bucket the demo fills.
    public static let bucketName = "b2kit-demo"
    /// What the demo's sync takes: the tables, not the images.
    public static let include = "*.{csv,json}"

    /// Seeds, syncs into `folder`, and shows the catalog.
    public static func run(_ context: CommandContext, into folder: String) async throws {
        var demo = context
        demo.configuration.profile = "local"
        let objects = seedObjects()
        try await ClientProvider.withClient(demo) { client, _ in
            let bucket = try await existingOrNewBucket(client)
            var seeded = 0
            for (name, bytes) in objects {
                if try await client.fileVersion(in: bucket, named: name)?.contentLength == Int64(bytes.count) {
                    continue
                }
                try await client.upload(.bytes(ByteBuffer(bytes: bytes)), to: bucket, as: name, partSize: 5_000_000)
                seeded += 1
            }
            context.say(
                "seeded b2://\(bucketName) on the embedded emulator (\(seeded) uploaded, "
                    + "\(objects.count - seeded) already there)"
            )
            context.say("$ b2kit sync b2://\(bucketName)/ \(folder) --include '\(include)'")
        }
        let request = SyncOperation.Request(
            source: .bucket(B2Path(bucket: bucketName)),
            destination: .folder(folder),
            options: SyncOptions(filter: SyncFilter(rules: [.include(try Glob(include))]))
        )
        try await SyncOperation.run(demo, request, stop: StopRequest())
        context.say("$ b2kit catalog \(folder)")
        try await CatalogOperation.show(demo, location: folder, prefix: "")
        // The table layer: one synced CSV goes back to the bucket as Parquet, and is loaded from there.
        let exported = B2Path(bucket: bucketName, key: parquetExport)
        context.say("$ b2kit table convert \(folder)/\(parquetSource) \(exported)")
        try await TableOperation.convert(
            demo, from: .local(folder + "/" + parquetSource), to: .remote(exported), options: .init(), format: nil)
        context.say("$ b2kit table show \(exported) --head 5")
        try await TableOperation.show(demo, .remote(exported), head: 5, columns: [], options: .init())
    }

    /// The synced table the demo exports as Parquet, and where it goes in the bucket.
    static let parquetSource = "sales/2024/q1.csv"
    static let parquetExport = "exports/sales-2024-q1.parquet"

    private static func existingOrNewBucket(_ client: B2Client) async throws -> B2Bucket {
        do {
            return try await client.bucket(named: bucketName)
        } catch let error as B2Error where error.code == .notFound {
            return try await client.createBucket(named: bucketName)
        }
    }

    /// The demo's objects: deterministic, so a rerun finds them unchanged.
    static func seedObjects() -> [(String, [UInt8])] {
        let tables: [(String, String)] = [
            (
                "sales/2024/q1.csv",
                "region,month,units,revenue\nnorth,2024-01,120,3480.50\nsouth,2024-01,95,2755.00\n"
                    + "north,2024-02,130,3770.00\nsouth,2024-02,,2900.25\n"
            ),
            (
                "sales/2024/q2.csv",
                "region,month,units,revenue\nnorth,2024-04,150,4350.00\nsouth,2024-05,101,2929.00\n"
            ),
            (
                "customers/customers.json",
                #"[{"id":1,"name":"Ada","city":"London","active":true},{"id":2,"name":"Grace","city":"#
                    + #""Arlington","active":false},{"id":3,"name":"Linus","city":"Helsinki","active":true}]"#
            ),
            (
                "customers/events.json",
                #"{"data":[{"customer":1,"event":"signup","at":"2024-03-01T10:00:00Z"},"#
                    + #"{"customer":3,"event":"upgrade","at":"2024-03-04T16:30:00Z"}]}"#
            ),
            ("README.txt", "Demo data for b2kit: tables under sales/ and customers/, images under media/.\n"),
        ]
        var result = tables.map { ($0.0, Array($0.1.utf8)) }
        result.append(("media/logo.png", pngHeader + Array(repeating: 0, count: 64)))
        result.append(("media/photos/beach.jpg", [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 2048)))
        result.append(("events/2024/clickstream.csv", clickstream()))
        return result.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    }

    private static let pngHeader: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// About 12 MB of CSV rows: large enough to go up in three parts and come down in parallel pieces.
    private static func clickstream() -> [UInt8] {
        var text = "ts,user,page,ms\n"
        var state: UInt64 = 42
        var row = 0
        while text.utf8.count < 12_000_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let user = (state >> 40) % 5000
            let page = ["/", "/pricing", "/docs", "/blog", "/signup"][Int((state >> 20) % 5)]
            text += "\(1_704_067_200 + row),u\(user),\(page),\((state >> 8) % 900 + 20)\n"
            row += 1
        }
        return Array(text.utf8)
    }
}
