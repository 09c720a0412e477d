import B2Kit

/// A table: named, typed columns of equal length.
///
/// ```swift
/// let table = try CSVReader().read(bytes)
/// print(table.head(5))
/// ```
public struct Table: Sendable, Hashable, CustomStringConvertible {
    /// The columns, in order.
    public private(set) var columns: [Column]

    /// Creates a table.
    /// - Throws: `B2Error` `.invalidRequest` when the columns differ in length.
    public init(columns: [Column]) throws {
        if let first = columns.first, let odd = columns.first(where: { $0.count != first.count }) {
            throw B2Error(
                .invalidRequest,
                "Column \(odd.name) has \(odd.count) rows but \(first.name) has \(first.count): columns must match"
            )
        }
        self.columns = columns
    }

    /// Creates a table whose columns are known to match in length.
    init(unchecked columns: [Column]) {
        self.columns = columns
    }

    /// The number of rows.
    public var rowCount: Int { columns.first?.count ?? 0 }

    /// The column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The schema: each column's name and type.
    public var schema: [(name: String, type: DataType)] { columns.map { ($0.name, $0.type) } }

    /// The column named `name`, if any.
    public subscript(column name: String) -> Column? {
        columns.first { $0.name == name }
    }

    /// Row `row` as values (nil for nulls), in column order.
    public func row(_ row: Int) -> [Value?] {
        columns.map { $0[row] }
    }

    /// The first `count` rows.
    public func head(_ count: Int = 5) -> Table {
        // Columns cut to the same length still match.
        Table(unchecked: columns.map { $0.prefix(count) })
    }

    /// Only the named columns, in the order given.
    /// - Throws: `B2Error` `.usage` naming a column that does not exist, and listing those that do.
    public func selecting(_ names: [String]) throws -> Table {
        let picked = try names.map { name in
            guard let column = self[column: name] else {
                throw B2Error(
                    .usage, "No column named '\(name)': the columns are \(columnNames.joined(separator: ", "))"
                )
            }
            return column
        }
        return try Table(columns: picked)
    }

    /// The table printed as pandas prints a data frame: a row index, and columns aligned right.
    public var description: String { TablePrinter(table: self).render() }
}
