import ArgumentParser
import B2Kit
import B2KitCLI
import B2Tables

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
