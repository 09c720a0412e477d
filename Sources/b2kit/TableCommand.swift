import ArgumentParser

/// `b2kit table`.
struct TableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Show, describe and convert CSV and JSON tables, local or in B2.",
        subcommands: [TableShowCommand.self, TableSchemaCommand.self, TableConvertCommand.self]
    )
}
