import B2SigV4

/// Renders a table as pandas prints a data frame: the row index on the left, each column right-aligned under its
/// name, floats of a column with the same number of decimals, nulls as `NaN` (or `NaT` for times).
struct TablePrinter {
    let table: Table

    func render() -> String {
        let rows = table.rowCount
        var columns: [[String]] = [[""] + (0..<rows).map(String.init)]
        for column in table.columns {
            columns.append([column.name] + cells(of: column))
        }
        let widths = columns.map { $0.map(\.count).max() ?? 0 }
        var lines: [String] = []
        for row in 0...rows {
            var parts: [String] = []
            for (index, column) in columns.enumerated() {
                let cell = column[row]
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                // The index is left-aligned, the columns right-aligned.
                parts.append(index == 0 ? cell + padding : padding + cell)
            }
            lines.append(parts.joined(separator: "  "))
        }
        if table.columns.isEmpty { return "Empty table (\(rows) rows)" }
        return lines.joined(separator: "\n")
    }

    private func cells(of column: Column) -> [String] {
        switch (column.type, column.storage) {
        case (.double, .doubles(let values)):
            return Self.formatDoubles(values, validity: column.validity)
        case (.date, _), (.timestamp, _):
            return (0..<column.count).map { row in
                guard let value = column[row] else { return "NaT" }
                switch (value, column.type) {
                case (.date(let days), _): return CivilDate.text(days: days)
                case (.timestamp(let ticks), .timestamp(let unit, let zone)):
                    return CivilDate.text(ticks: ticks, unit: unit) + (zone.map { $0 == "UTC" ? "+00:00" : $0 } ?? "")
                default: return value.description
                }
            }
        case (.decimal(_, let scale), .decimals(let values)):
            return (0..<column.count).map { row in
                column.isNull(row) ? "NaN" : Self.decimalText(values[row], scale: scale)
            }
        default:
            return (0..<column.count).map { row in column[row]?.description ?? "NaN" }
        }
    }

    /// pandas' float display: the fewest decimals (up to six) that show every value of the column exactly.
    static func formatDoubles(_ values: [Double], validity: Validity?) -> [String] {
        var decimals = 1
        for (row, value) in values.enumerated() where value.isFinite && validity?.isValid(row) != false {
            for candidate in decimals...6 {
                decimals = candidate
                if Double(fixed(value, decimals: candidate)) == value { break }
            }
        }
        return values.enumerated().map { row, value in
            if validity?.isValid(row) == false || value.isNaN { return "NaN" }
            if value.isInfinite { return value > 0 ? "inf" : "-inf" }
            return fixed(value, decimals: decimals)
        }
    }

    /// `value` with exactly `decimals` digits after the point.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 1e17 else { return String(value) }
        let whole = Int64(scaled)
        let divisor = Int64(scale)
        var fraction = String(whole % divisor)
        fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
        return (value < 0 && whole != 0 ? "-" : "") + "\(whole / divisor).\(fraction)"
    }

    /// An unscaled decimal as text: 12345 at scale 2 is 123.45.
    static func decimalText(_ unscaled: Int128, scale: Int) -> String {
        guard scale > 0 else { return String(unscaled) }
        let digits = String(unscaled.magnitude)
        let padded = digits.count > scale ? digits : String(repeating: "0", count: scale - digits.count + 1) + digits
        let point = padded.index(padded.endIndex, offsetBy: -scale)
        return (unscaled < 0 ? "-" : "") + padded[..<point] + "." + padded[point...]
    }
}
