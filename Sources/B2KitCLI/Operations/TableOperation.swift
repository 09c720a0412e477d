import B2Kit
import B2Tables
import Foundation

/// `b2kit table show|schema|convert`: tables in local files or B2 objects.
public enum TableOperation {
    /// How to read a table.
    public struct ReadOptions: Sendable {
        /// The format, when not the extension's.
        public var format: TableFormat?
        /// Rows to read at most.
        public var limit: Int?
        /// The records path inside a JSON envelope.
        public var recordsPath: String?

        /// Creates options.
        public init(format: TableFormat? = nil, limit: Int? = nil, recordsPath: String? = nil) {
            self.format = format
            self.limit = limit
            self.recordsPath = recordsPath
        }
    }

    /// Prints the first rows (all columns, or those named) as pandas would, or as JSON records.
    public static func show(
        _ context: CommandContext,
        _ location: Location,
        head: Int,
        columns: [String],
        options: ReadOptions
    ) async throws {
        var read = options
        read.limit = head
        var table = try await load(context, location, options: read)
        if !columns.isEmpty { table = try table.selecting(columns) }
        if context.json {
            context.standardOutput(String(decoding: JSONTableWriter(lines: true).encode(table), as: UTF8.self))
        } else {
            context.standardOutput(table.description + "\n")
        }
    }

    /// Prints each column's name, type and null count (of the rows read).
    public static func schema(_ context: CommandContext, _ location: Location, options: ReadOptions) async throws {
        let table = try await load(context, location, options: options)
        if context.json {
            for column in table.columns {
                context.printJSON(["name": column.name, "type": column.type.description, "nulls": column.nullCount])
            }
            return
        }
        let width = table.columnNames.map(\.count).max() ?? 0
        for column in table.columns {
            let padding = String(repeating: " ", count: width - column.name.count)
            context.say("\(column.name)\(padding)  \(column.type)  (\(column.nullCount) null)")
        }
        context.say("\(table.rowCount) rows")
    }

    /// Reads a table in one format and writes it in another (each from its extension unless given).
    public static func convert(
        _ context: CommandContext,
        from source: Location,
        to destination: Location,
        options: ReadOptions,
        format: TableFormat?
    ) async throws {
        let table = try await load(context, source, options: options)
        switch destination {
        case .local(let path):
            let chosen = try format ?? TableFormat.infer(fromName: path).format
            let gzip = path.lowercased().hasSuffix(".gz")
            let temporary = path + ".b2kit-" + UUID().uuidString
            guard FileManager.default.createFile(atPath: temporary, contents: nil),
                let handle = FileHandle(forWritingAtPath: temporary)
            else { throw B2Error(.localFile, "Cannot write \(path): check the folder exists and is writable") }
            do {
                try TableEncoder.encode(table, as: chosen, gzip: gzip) { try handle.write(contentsOf: $0) }
                try handle.close()
                guard rename(temporary, path) == 0 else {
                    throw B2Error(.localFile, "Cannot write \(path) (errno \(errno))")
                }
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
        case .remote(let path):
            try BucketOperations.requireNative(path, for: "table")
            _ = try await ClientProvider.withClient(context) { client, _ in
                try await client.exportTable(table, bucket: path.bucket, key: path.key, format: format)
            }
        case .standardStream:
            try TableEncoder.encode(table, as: format ?? .csv) {
                context.standardOutput(String(decoding: $0, as: UTF8.self))
            }
            return
        }
        context.say("wrote \(table.rowCount) rows, \(table.columns.count) columns to \(destination)")
    }

    static func load(_ context: CommandContext, _ location: Location, options: ReadOptions) async throws -> Table {
        switch location {
        case .remote(let path):
            try BucketOperations.requireNative(path, for: "table")
            return try await ClientProvider.withClient(context) { client, _ in
                try await client.loadTable(
                    bucket: path.bucket, key: path.key, format: options.format, limit: options.limit,
                    recordsPath: options.recordsPath
                )
            }
        case .local(let file):
            let inferred = try options.format.map { ($0, false) } ?? TableFormat.infer(fromName: file)
            if inferred == (.parquet, false) {
                // Mapped, not read: a Parquet file is decoded whole anyway.
                return try Table(parquetFileAt: file, limit: options.limit)
            }
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw B2Error(.localFile, "Cannot read \(file): check that it exists and is readable")
            }
            defer { try? handle.close() }
            var decoder = try TableDecoder(
                options: .init(
                    format: inferred.0, limit: options.limit, recordsPath: options.recordsPath, gzip: inferred.1)
            )
            if let size = try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int {
                decoder.expect(byteCount: size)
            }
            while !decoder.isSatisfied, let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try decoder.consume(chunk)
            }
            return try decoder.finish()
        case .standardStream:
            throw B2Error(.usage, "Read a table from a file or b2://BUCKET/KEY, not '-'")
        }
    }
}
