import B2Kit
import Parquet

extension Table {
    /// The table as a Parquet file: Snappy-compressed v1 pages, every column optional, with logical and converted
    /// types (pyarrow, pandas, polars, DuckDB and fastparquet read it).
    public func parquetBytes(rowGroupRows: Int = 1_000_000) throws -> [UInt8] {
        do {
            return try ParquetWriter(codec: .snappy, rowGroupRows: rowGroupRows).write(columns.map(Self.parquetInput))
        } catch let error as ParquetError {
            throw B2Error(.invalidRequest, error.message, cause: error)
        }
    }

    static func parquetInput(_ column: Column) -> ParquetWriter.ColumnInput {
        var element = SchemaElement(name: column.name)
        let values: ColumnValues
        switch (column.type, column.storage) {
        case (.int64, .integers(let numbers)):
            element.type = .int64
            values = .int64s(numbers)
        case (.date, .integers(let days)):
            element.type = .int32
            element.logicalType = .date
            element.convertedType = 6
            values = .int32s(days.map { Int32(clamping: $0) })
        case (.timestamp(let unit, let zone), .integers(let ticks)):
            element.type = .int64
            let (parquetUnit, scaled): (LogicalType.Unit, [Int64]) =
                switch unit {
                case .seconds: (.millis, ticks.map { $0 &* 1000 })
                case .milliseconds: (.millis, ticks)
                case .microseconds: (.micros, ticks)
                case .nanoseconds: (.nanos, ticks)
                }
            element.logicalType = .timestamp(unit: parquetUnit, adjustedToUTC: zone != nil)
            element.convertedType = parquetUnit == .millis ? 9 : parquetUnit == .micros ? 10 : nil
            values = .int64s(scaled)
        case (.double, .doubles(let numbers)):
            element.type = .double
            values = .doubles(numbers)
        case (.bool, .booleans(let flags)):
            element.type = .boolean
            values = .booleans(flags)
        case (.string, .bytes(let offsets, let bytes)):
            element.type = .byteArray
            element.logicalType = .string
            element.convertedType = 0
            values = .byteArrays(offsets: offsets, bytes: bytes)
        case (.decimal(let precision, let scale), .decimals(let unscaled)):
            element.logicalType = .decimal(precision: Int32(precision), scale: Int32(scale))
            element.convertedType = 5
            element.precision = Int32(precision)
            element.scale = Int32(scale)
            if precision <= 18 {
                element.type = .int64
                values = .int64s(unscaled.map { Int64(truncatingIfNeeded: $0) })
            } else {
                element.type = .fixedLenByteArray
                element.typeLength = 16
                var bytes: [UInt8] = []
                bytes.reserveCapacity(unscaled.count * 16)
                for value in unscaled {
                    for shift in stride(from: 120, through: 0, by: -8) {
                        bytes.append(UInt8(truncatingIfNeeded: value >> shift))
                    }
                }
                values = .fixed(width: 16, bytes: bytes)
            }
        case (_, .bytes(let offsets, let bytes)):
            element.type = .byteArray
            values = .byteArrays(offsets: offsets, bytes: bytes)
        case (_, .integers(let numbers)):
            element.type = .int64
            values = .int64s(numbers)
        case (_, .doubles(let numbers)):
            element.type = .double
            values = .doubles(numbers)
        case (_, .booleans(let flags)):
            element.type = .boolean
            values = .booleans(flags)
        case (_, .decimals(let unscaled)):
            element.type = .int64
            values = .int64s(unscaled.map { Int64(truncatingIfNeeded: $0) })
        }
        let valid = column.validity.map { bits in (0..<column.count).map { bits.isValid($0) } }
        return ParquetWriter.ColumnInput(element: element, values: values, valid: valid)
    }
}
