import ArgumentParser
import B2Kit
import B2KitCLI
import B2Tables

/// `b2kit table`.
struct TableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Show, describe and convert CSV and JSON tables, local or in B2.",
        subcommands: [TableShowCommand.self, TableSchemaCommand.self, TableConvertCommand.self]
    )
}

/// Options every table command takes.
struct TableReadOptions: ParsableArguments {
    @Option(name: .long, help: "The format, when not the extension's: csv, json, jsonl or parquet.")
    var format: String?

    @Option(name: .customLong("records-path"), help: "Where the records are inside a JSON envelope (e.g. data).")
    var recordsPath: String?

    func resolved(limit: Int? = nil) throws -> TableOperation.ReadOptions {
        TableOperation.ReadOptions(format: try parsedFormat(format), limit: limit, recordsPath: recordsPath)
    }
}

func parsedFormat(_ text: String?) throws -> TableFormat? {
    guard let text else { return nil }
    guard let format = TableFormat(rawValue: text == "ndjson" ? "jsonl" : text) else {
        let known = TableFormat.allCases.map(\.rawValue).joined(separator: ", ")
        throw ValidationError("--format must be one of \(known), not '\(text)'")
    }
    return format
}

/// `b2kit table show`.
struct TableShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print the first rows of a table (only those rows are read).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var read: TableReadOptions

    @Argument(help: "A local file or b2://BUCKET/KEY.")
    var path: String

    @Option(name: .long, help: "Rows to show.")
    var head = 10

    @Option(name: .long, help: "Columns to show, comma-separated, in that order.")
    var columns: String?

    func validate() throws {
        _ = try location(path)
        _ = try read.resolved()
        guard head >= 0 else { throw ValidationError("--head must be 0 or more") }
    }

    func run() async throws {
        try await TableOperation.show(
            options.makeContext(), try location(path), head: head,
            columns: columns.map { $0.split(separator: ",").map(String.init) } ?? [], options: try read.resolved()
        )
    }
}

/// `b2kit table schema`.
struct TableSchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Print each column's name, type and null count.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var read: TableReadOptions

    @Argument(help: "A local file or b2://BUCKET/KEY.")
    var path: String

    func validate() throws {
        _ = try location(path)
        _ = try read.resolved()
    }

    func run() async throws {
        try await TableOperation.schema(options.makeContext(), try location(path), options: try read.resolved())
    }
}

/// `b2kit table convert`.
struct TableConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert", abstract: "Convert a table between formats, each from its extension.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var read: TableReadOptions

    @Argument(help: "The source: a local file or b2://BUCKET/KEY.")
    var source: String

    @Argument(help: "The destination: a local file, b2://BUCKET/KEY, or - for standard output.")
    var destination: String

    @Option(name: .customLong("to-format"), help: "The destination's format, when not its extension's.")
    var toFormat: String?

    func validate() throws {
        _ = try location(source)
        _ = try location(destination)
        _ = try read.resolved()
        _ = try parsedFormat(toFormat)
    }

    func run() async throws {
        try await TableOperation.convert(
            options.makeContext(), from: try location(source), to: try location(destination),
            options: try read.resolved(), format: try parsedFormat(toFormat)
        )
    }
}
