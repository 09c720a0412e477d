import B2Kit
import Parquet

extension Table {
    /// Reads a flat Parquet file held in memory.
    /// - Throws: `B2Error` `.malformedData` for a corrupt file, `.usage` for one this reader does not support
    ///   (nested columns, encryption, an encoding or codec not decoded yet), each saying which.
    public init(parquet bytes: [UInt8], limit: Int? = nil) throws {
        try self.init(parquet: { try ParquetFile(bytes: bytes) }, limit: limit)
    }

    /// Reads a flat Parquet file on disk, mapped into memory rather than copied.
    /// - Throws: `B2Error` `.localFile` when the file cannot be opened, and as `init(parquet:limit:)` does.
    public init(parquetFileAt path: String, limit: Int? = nil) throws {
        try self.init(parquet: { try ParquetFile(mappingFileAt: path) }, limit: limit)
    }

    private init(parquet open: () throws -> ParquetFile, limit: Int?) throws {
        do {
            let file = try open()
            var columns = try file.readColumns(threads: TableThreads.default).map(ParquetConversion.column)
            if let limit { columns = columns.map { $0.prefix(limit) } }
            try self.init(columns: columns)
        } catch let error as ParquetError {
            let code: B2Error.Code =
                switch error.kind {
                case .corrupt: .malformedData
                case .unsupported: .usage
                case .unreadable: .localFile
                }
            throw B2Error(code, error.message, cause: error)
        }
    }
}

/// From Parquet's physical and logical types to table columns.
enum ParquetConversion {
    static func column(_ source: ParquetColumn) throws -> Column {
        let element = source.element
        let validity = source.valid.map { flags in
            var bits = Validity()
            bits.reserveCapacity(flags.count)
            for flag in flags { bits.append(flag) }
            return bits
        }
        let (type, storage) = try convert(source.values, logical: element.logicalType, name: element.name)
        return try Column(name: element.name, type: type, storage: storage, validity: validity)
    }

    static func convert(_ values: ColumnValues, logical: LogicalType?, name: String) throws -> (DataType, ColumnStorage)
    {
        switch (values, logical) {
        case (.booleans(let flags), _):
            return (.bool, .booleans(flags))
        case (.int32s(let numbers), .date?):
            return (.date, .integers(numbers.map(Int64.init)))
        case (.int32s(let numbers), .decimal(let precision, let scale)?):
            return (.decimal(precision: Int(precision), scale: Int(scale)), .decimals(numbers.map { Int128($0) }))
        case (.int32s(let numbers), .integer(_, false)?):
            return (.int64, .integers(numbers.map { Int64(UInt32(bitPattern: $0)) }))
        case (.int32s(let numbers), _):
            return (.int64, .integers(numbers.map(Int64.init)))
        case (.int64s(let numbers), .timestamp(let unit, let adjusted)?):
            return (.timestamp(timeUnit(unit), timeZone: adjusted ? "UTC" : nil), .integers(numbers))
        case (.int64s(let numbers), .decimal(let precision, let scale)?):
            return (.decimal(precision: Int(precision), scale: Int(scale)), .decimals(numbers.map { Int128($0) }))
        case (.int64s(let numbers), _):
            return (.int64, .integers(numbers))
        case (.int96s(let numbers), _):
            return (.timestamp(.nanoseconds, timeZone: nil), .integers(numbers))
        case (.floats(let numbers), _):
            // Through the float's shortest decimal, so 1.1f is 1.1 (as pandas shows and writes it), not
            // 1.100000023841858.
            return (.double, .doubles(numbers.map { Double(String($0)) ?? Double($0) }))
        case (.doubles(let numbers), _):
            return (.double, .doubles(numbers))
        case (.byteArrays(let offsets, let bytes), .decimal(let precision, let scale)?):
            let unscaled = try (0..<offsets.count - 1).map { try bigEndian(bytes[offsets[$0]..<offsets[$0 + 1]], name) }
            return (.decimal(precision: Int(precision), scale: Int(scale)), .decimals(unscaled))
        case (.byteArrays(let offsets, let bytes), .string?), (.byteArrays(let offsets, let bytes), .json?),
            (.byteArrays(let offsets, let bytes), .enumeration?):
            return (.string, .bytes(offsets: offsets, bytes: bytes))
        case (.byteArrays(let offsets, let bytes), _):
            return (.binary, .bytes(offsets: offsets, bytes: bytes))
        case (.fixed(let width, let bytes), .decimal(let precision, let scale)?):
            let count = width == 0 ? 0 : bytes.count / width
            let unscaled = try (0..<count).map { try bigEndian(bytes[($0 * width)..<(($0 + 1) * width)], name) }
            return (.decimal(precision: Int(precision), scale: Int(scale)), .decimals(unscaled))
        case (.fixed(2, let bytes), .float16?):
            // IEEE half precision, little-endian, widened exactly (as pyarrow's to_pandas does).
            let halves = stride(from: 0, to: bytes.count - 1, by: 2).map {
                Double(Float(Float16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)))
            }
            return (.double, .doubles(halves))
        case (.fixed(let width, let bytes), _):
            let count = width == 0 ? 0 : bytes.count / width
            return (.binary, .bytes(offsets: (0...count).map { $0 * width }, bytes: bytes))
        }
    }

    static func timeUnit(_ unit: LogicalType.Unit) -> TimeUnit {
        switch unit {
        case .millis: .milliseconds
        case .micros: .microseconds
        case .nanos: .nanoseconds
        }
    }

    /// A big-endian two's-complement integer of up to 16 bytes (Parquet's decimal bytes).
    static func bigEndian(_ bytes: ArraySlice<UInt8>, _ name: String) throws -> Int128 {
        guard bytes.count <= 16 else {
            throw B2Error(.usage, "Column \(name) holds decimals wider than 128 bits: not supported")
        }
        guard let first = bytes.first else { return 0 }
        var value: Int128 = first & 0x80 != 0 ? -1 : 0
        for byte in bytes { value = value << 8 | Int128(byte) }
        return value
    }
}
