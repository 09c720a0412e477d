import B2Kit
import Foundation
import NIOCore

/// A read stopped on purpose: enough rows arrived.
private struct EnoughRows: Error {}

extension B2Client {
    /// Loads a table from an object, streaming it and stopping once `limit` rows are decoded (CSV, JSON Lines).
    /// - Parameters:
    ///   - format: the format; by default inferred from the key's extension.
    /// - Throws: `B2Error` for an unknown extension (listing the known ones), a missing object, or malformed data.
    public func loadTable(
        bucket: String,
        key: String,
        format: TableFormat? = nil,
        limit: Int? = nil,
        recordsPath: String? = nil
    ) async throws -> Table {
        let inferred = try format.map { ($0, false) } ?? TableFormat.infer(fromName: key)
        var decoder = try TableDecoder(
            options: .init(format: inferred.0, limit: limit, recordsPath: recordsPath, gzip: inferred.1)
        )
        do {
            try await download(bucketName: bucket, name: key) { chunk in
                try decoder.consume(chunk.readableBytesView)
                if decoder.isSatisfied { throw EnoughRows() }
            }
        } catch is EnoughRows {
            // The rows asked for are in; the rest of the object is not read.
        }
        return try decoder.finish()
    }

    /// Exports a table to an object, encoded in `format` (by default from the key's extension); a big table goes
    /// up as a large file in parts.
    @discardableResult
    public func exportTable(_ table: Table, bucket: String, key: String, format: TableFormat? = nil) async throws
        -> B2FileVersion
    {
        let chosen = try format ?? TableFormat.infer(fromName: key).format
        let gzip = key.lowercased().hasSuffix(".gz")
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("b2kit-export-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: staging) }
        guard FileManager.default.createFile(atPath: staging, contents: nil),
            let handle = FileHandle(forWritingAtPath: staging)
        else {
            throw B2Error(.localFile, "Cannot stage the export in \(staging): check the temporary folder")
        }
        try TableEncoder.encode(table, as: chosen, gzip: gzip) { handle.write(Data($0)) }
        try handle.close()
        let target = try await self.bucket(named: bucket)
        let plainType =
            switch chosen {
            case .csv: "text/csv"
            case .json: "application/json"
            case .jsonLines: "application/x-ndjson"
            case .parquet: "application/vnd.apache.parquet"
            }
        return try await upload(.file(staging), to: target, as: key, contentType: gzip ? "application/gzip" : plainType)
    }
}
