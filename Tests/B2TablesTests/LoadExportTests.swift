import B2Emulator
import B2Kit
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

@testable import B2Tables

@Suite("Load and export against the emulator")
struct LoadExportTests {
    static func withClient(_ body: @Sendable (B2Client) async throws -> Void) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("b2tables-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let server = try await EmulatorServer(
            configuration: EmulatorConfiguration(
                dataDirectory: scratch, port: 0, masterKeyId: "tableskey", masterKey: "tablessecret"
            )
        )
        try await server.application().test(.live) { http in
            try await body(
                B2Client(
                    keyId: "tableskey", applicationKey: "tablessecret", apiBaseURL: "http://127.0.0.1:\(http.port!)",
                    retryPolicy: RetryPolicy(maximumAttempts: 4, jitter: { 0 }, sleep: { _ in })
                )
            )
        }
    }

    @Test("A table exported as CSV, JSON and JSON Lines loads back equal; the format comes from the key")
    func roundTrip() async throws {
        try await Self.withClient { client in
            let bucket = try await client.createBucket(named: "tables-bucket")
            let table = try CSVReader.read(Array("id,name,score,ok\n1,Ada,9.5,True\n2,\"L, G\",,False\n".utf8))
            for key in ["t.csv", "t.json", "t.jsonl", "t.ndjson"] {
                let version = try await client.exportTable(table, bucket: "tables-bucket", key: "out/" + key)
                #expect(version.contentLength > 0)
                #expect(try await client.loadTable(bucket: "tables-bucket", key: "out/" + key) == table, "\(key)")
            }
            let csv = try await client.fileVersion(in: bucket, named: "out/t.csv")
            #expect(csv?.contentType == "text/csv")
        }
    }

    @Test("A row limit stops reading: a malformed tail past the limit is never parsed")
    func limit() async throws {
        try await Self.withClient { client in
            let bucket = try await client.createBucket(named: "limit-bucket")
            var text = "n,sq\n"
            for n in 0..<50_000 { text += "\(n),\(n * n)\n" }
            text += "oops,too,many,fields\n"
            try await client.upload(.bytes(ByteBuffer(string: text)), to: bucket, as: "big.csv")
            let head = try await client.loadTable(bucket: "limit-bucket", key: "big.csv", limit: 5)
            #expect(head.rowCount == 5)
            #expect(head[column: "sq"]?[4] == .int64(16))
            await #expect {
                _ = try await client.loadTable(bucket: "limit-bucket", key: "big.csv")
            } throws: { ($0 as? B2Error)?.code == .malformedData }
        }
    }

    @Test("A .csv.gz exports as gzip, loads back equal, stops at a row limit, and a damaged one is a clear error")
    func gzipCSV() async throws {
        try await Self.withClient { client in
            let bucket = try await client.createBucket(named: "gzip-bucket")
            var text = "n,name\n"
            for n in 0..<20_000 { text += "\(n),row \(n)\n" }
            let table = try CSVReader.read(Array(text.utf8))
            let version = try await client.exportTable(table, bucket: "gzip-bucket", key: "t.csv.gz")
            #expect(version.contentType == "application/gzip")
            #expect(version.contentLength < Int64(text.utf8.count) / 3)
            var stored: [UInt8] = []
            try await client.download(bucketName: "gzip-bucket", name: "t.csv.gz") { stored += $0.readableBytesView }
            #expect(stored.prefix(2) == [0x1F, 0x8B])
            #expect(try await client.loadTable(bucket: "gzip-bucket", key: "t.csv.gz") == table)
            let head = try await client.loadTable(bucket: "gzip-bucket", key: "t.csv.gz", limit: 3)
            #expect(head.rowCount == 3 && head[column: "name"]?[2] == .string("row 2"))
            try await client.upload(
                .bytes(ByteBuffer(bytes: stored.prefix(stored.count / 2))), to: bucket, as: "cut.csv.gz")
            await #expect {
                _ = try await client.loadTable(bucket: "gzip-bucket", key: "cut.csv.gz")
            } throws: { ($0 as? B2Error)?.message.contains("truncated") == true }
            try await client.upload(.bytes(ByteBuffer(string: "a,b\n1,2\n")), to: bucket, as: "plain.csv.gz")
            await #expect {
                _ = try await client.loadTable(bucket: "gzip-bucket", key: "plain.csv.gz")
            } throws: { ($0 as? B2Error)?.message.contains("not gzip") == true }
        }
    }

    @Test("Unknown extensions are usage errors listing the known ones")
    func unknownExtension() async throws {
        #expect {
            _ = try TableFormat.infer(fromName: "data/x.xlsx")
        } throws: { error in
            guard let error = error as? B2Error else { return false }
            return error.code == .usage && error.message.contains(".csv, .json, .jsonl, .ndjson, .parquet, .csv.gz")
        }
        #expect(try TableFormat.infer(fromName: "A.CSV.GZ") == (.csv, true))
        #expect(try TableFormat.infer(fromName: "x.ndjson").format == .jsonLines)
    }
}
