import B2JSON
import B2Kit

/// Reads JSON tables in the shapes data tools write them.
///
/// - `records`: an array of objects, one per row (`to_json(orient="records")`).
/// - `lines`: JSON Lines, one object per line (`.jsonl`, `.ndjson`).
/// - `columns`: pandas' default `to_json()` shape, `{"col": {"0": v, "1": v}}` (what Mage exports).
/// - `auto`: an array is records; an object is columns, unless `recordsPath` names the array inside an envelope
///   such as `{"data": [...]}` (a dotted path: `result.items`).
///
/// Columns come in the order their keys first appear. Types follow pandas: int64, float64 when integers have nulls
/// or mix with floats, bool without nulls, text otherwise (nested values as their JSON text).
public enum JSONTableReader {
    /// The shape of the document.
    public enum Layout: String, Sendable, CaseIterable {
        /// Decide from the document.
        case auto
        /// An array of row objects.
        case records
        /// One row object per line.
        case lines
        /// An object of column objects keyed by row label.
        case columns
    }

    /// Reads a table.
    /// - Throws: `B2Error` `.malformedData` for invalid JSON or a shape that is not a table, saying which shape
    ///   was expected and how to point at the rows.
    public static func read(
        _ bytes: [UInt8],
        layout: Layout = .auto,
        recordsPath: String? = nil,
        limit: Int? = nil
    ) throws -> Table {
        if layout == .lines { return try readLines(bytes, limit: limit) }
        var document = try parse(bytes)
        if let recordsPath {
            for key in recordsPath.split(separator: ".") {
                guard let inner = document[String(key)] else {
                    throw B2Error(
                        .malformedData,
                        "The JSON has no '\(key)' on the records path '\(recordsPath)': check the path (e.g. data "
                            + "for {\"data\": [...]})"
                    )
                }
                document = inner
            }
        }
        switch (layout, document) {
        case (.auto, .array(let rows)), (.records, .array(let rows)):
            return try table(fromRows: limit.map { Array(rows.prefix($0)) } ?? rows)
        case (.auto, .object(let columns)), (.columns, .object(let columns)):
            return try table(fromColumns: columns, limit: limit)
        default:
            throw B2Error(
                .malformedData,
                "The JSON is not a table: expected an array of records or an object of columns; for an envelope "
                    + "such as {\"data\": [...]} give the records path (--records-path data)"
            )
        }
    }

    /// How tables are read: `NaN` and `Infinity` as pandas writes them, 512 levels deep, every member kept.
    static let options = JSONParser.Options(allowsNonFiniteNumbers: true, maximumDepth: 512, keepsDuplicateKeys: true)

    /// Parses one JSON document.
    /// - Throws: `B2Error` `.malformedData` naming the byte and line where the text stops being JSON.
    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        do {
            return try JSONParser.parse(bytes, options: options)
        } catch {
            throw B2Error(.malformedData, error.description)
        }
    }

    /// Reads JSON Lines, stopping after `limit` rows.
    static func readLines(_ bytes: [UInt8], limit: Int?) throws -> Table {
        var rows: [JSONValue] = []
        var start = 0
        var number = 0
        while start < bytes.count, limit.map({ rows.count < $0 }) ?? true {
            let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
            number += 1
            let line = Array(bytes[start..<end])
            start = end + 1
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            do {
                rows.append(try JSONParser.parse(line, options: options))
            } catch {
                throw B2Error(.malformedData, "JSON Lines line \(number): \(error.description)")
            }
        }
        return try table(fromRows: rows)
    }

    static func table(fromRows rows: [JSONValue]) throws -> Table {
        var order: [String] = []
        var index: [String: Int] = [:]
        var cells: [[JSONValue]] = []
        for (row, value) in rows.enumerated() {
            guard case .object(let members) = value else {
                throw B2Error(.malformedData, "Row \(row) of the JSON is not an object: each record must be {...}")
            }
            for (key, cell) in members {
                if index[key] == nil {
                    index[key] = order.count
                    order.append(key)
                    cells.append(Array(repeating: .null, count: rows.count))
                }
                cells[index[key]!][row] = cell
            }
        }
        return try Table(columns: zip(order, cells).map { JSONColumns.column(name: $0, values: $1) })
    }

    static func table(fromColumns columns: [(String, JSONValue)], limit: Int?) throws -> Table {
        var labels: [String] = []
        var seen: Set<String> = []
        for (name, column) in columns {
            guard case .object(let members) = column else {
                throw B2Error(
                    .malformedData,
                    "Column '\(name)' of the JSON object is not an object of row values: for an envelope such as "
                        + "{\"\(name)\": [...]} give the records path (--records-path \(name))"
                )
            }
            for (label, _) in members where seen.insert(label).inserted { labels.append(label) }
        }
        if let limit { labels = Array(labels.prefix(limit)) }
        return try Table(
            columns: columns.map { name, column in
                let values = labels.map { column[$0] ?? .null }
                return JSONColumns.column(name: name, values: values)
            }
        )
    }
}

/// Typing a column of JSON values.
enum JSONColumns {
    static func column(name: String, values: [JSONValue]) -> Column {
        var integers = true
        var numbers = true
        var booleans = true
        var nulls = 0
        for value in values {
            switch value {
            case .null: nulls += 1
            case .int: booleans = false
            case .double:
                integers = false
                booleans = false
            case .bool:
                integers = false
                numbers = false
            default:
                integers = false
                numbers = false
                booleans = false
            }
        }
        if nulls == values.count {
            var builder = ColumnBuilder(name: name, type: .double, capacity: values.count)
            for _ in values { builder.appendNull() }
            return builder.build()
        }
        let type: DataType =
            if integers && nulls == 0 { .int64 } else if numbers { .double } else if booleans && nulls == 0 {
                .bool
            } else {
                .string
            }
        var builder = ColumnBuilder(name: name, type: type, capacity: values.count)
        for value in values {
            switch (type, value) {
            case (_, .null): builder.appendNull()
            case (.int64, .int(let integer)): builder.append(integer)
            case (.double, .int(let integer)): builder.append(Double(integer))
            case (.double, .double(let number)): builder.append(number)
            case (.bool, .bool(let flag)): builder.append(flag)
            case (_, .string(let text)): builder.append(text)
            default: builder.append(value.serialized())
            }
        }
        return builder.build()
    }
}
