/// One node of a file's schema: a column (leaf) or a group.
public struct SchemaElement: Sendable, Hashable {
    /// The physical type (nil for groups).
    public var type: PhysicalType?
    /// The width of a fixed-length byte array.
    public var typeLength: Int32?
    /// Required, optional or repeated (nil for the root).
    public var repetition: Repetition?
    /// The name.
    public var name: String
    /// Children of a group (nil for a leaf).
    public var childCount: Int32?
    /// The legacy annotation (ConvertedType), if any.
    public var convertedType: Int32?
    /// A decimal's scale (legacy).
    public var scale: Int32?
    /// A decimal's precision (legacy).
    public var precision: Int32?
    /// The logical annotation, from the new field or else derived from the converted type.
    public var logicalType: LogicalType?

    /// Creates an element with a name and nothing else set.
    public init(name: String) {
        self.name = name
    }

    static func read(_ reader: inout CompactReader) throws -> SchemaElement {
        var element = SchemaElement(name: "")
        var hasLogical = false
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .i32):
                let raw = try reader.readI32()
                guard let physical = PhysicalType(rawValue: raw) else {
                    throw ParquetError.corrupt("Unknown physical type \(raw) in the schema")
                }
                element.type = physical
            case (2, .i32): element.typeLength = try reader.readI32()
            case (3, .i32): element.repetition = Repetition(rawValue: try reader.readI32())
            case (4, .binary): element.name = try reader.readString()
            case (5, .i32): element.childCount = try reader.readI32()
            case (6, .i32): element.convertedType = try reader.readI32()
            case (7, .i32): element.scale = try reader.readI32()
            case (8, .i32): element.precision = try reader.readI32()
            case (10, .structure):
                element.logicalType = try Self.readLogicalType(&reader)
                hasLogical = true
            default: return false
            }
            return true
        }
        if !hasLogical { element.logicalType = element.convertedLogicalType }
        return element
    }

    /// The logical type the legacy converted type stands for.
    var convertedLogicalType: LogicalType? {
        switch convertedType {
        case 0: .string
        case 1, 2: .map
        case 3: .list
        case 4: .enumeration
        case 5: .decimal(precision: precision ?? 0, scale: scale ?? 0)
        case 6: .date
        case 7: .time(unit: .millis, adjustedToUTC: true)
        case 8: .time(unit: .micros, adjustedToUTC: true)
        case 9: .timestamp(unit: .millis, adjustedToUTC: true)
        case 10: .timestamp(unit: .micros, adjustedToUTC: true)
        case 11: .integer(bitWidth: 8, signed: false)
        case 12: .integer(bitWidth: 16, signed: false)
        case 13: .integer(bitWidth: 32, signed: false)
        case 14: .integer(bitWidth: 64, signed: false)
        case 15: .integer(bitWidth: 8, signed: true)
        case 16: .integer(bitWidth: 16, signed: true)
        case 17: .integer(bitWidth: 32, signed: true)
        case 18: .integer(bitWidth: 64, signed: true)
        case 19: .json
        case 20: .bson
        default: nil
        }
    }

    private static func readUnit(_ reader: inout CompactReader) throws -> LogicalType.Unit {
        var unit = LogicalType.Unit.millis
        try reader.readStruct { reader, id, type in
            switch id {
            case 1: unit = .millis
            case 2: unit = .micros
            case 3: unit = .nanos
            default: return false
            }
            try reader.skip(type)
            return true
        }
        return unit
    }

    private static func readTimeLike(_ reader: inout CompactReader) throws -> (LogicalType.Unit, Bool) {
        var unit = LogicalType.Unit.millis
        var adjusted = false
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .boolTrue), (1, .boolFalse): adjusted = try reader.readBool(type)
            case (2, .structure): unit = try readUnit(&reader)
            default: return false
            }
            return true
        }
        return (unit, adjusted)
    }

    static func readLogicalType(_ reader: inout CompactReader) throws -> LogicalType {
        var result = LogicalType.unrecognized(0)
        try reader.readStruct { reader, id, type in
            guard type == .structure else { return false }
            switch id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enumeration
            case 5:
                var scale: Int32 = 0
                var precision: Int32 = 0
                try reader.readStruct { reader, id, type in
                    switch (id, type) {
                    case (1, .i32): scale = try reader.readI32()
                    case (2, .i32): precision = try reader.readI32()
                    default: return false
                    }
                    return true
                }
                result = .decimal(precision: precision, scale: scale)
                return true
            case 6: result = .date
            case 7:
                let (unit, adjusted) = try readTimeLike(&reader)
                result = .time(unit: unit, adjustedToUTC: adjusted)
                return true
            case 8:
                let (unit, adjusted) = try readTimeLike(&reader)
                result = .timestamp(unit: unit, adjustedToUTC: adjusted)
                return true
            case 10:
                var width: Int8 = 64
                var signed = true
                try reader.readStruct { reader, id, type in
                    switch (id, type) {
                    case (1, .byte): width = Int8(truncatingIfNeeded: try reader.readByte())
                    case (2, .boolTrue), (2, .boolFalse): signed = try reader.readBool(type)
                    default: return false
                    }
                    return true
                }
                result = .integer(bitWidth: width, signed: signed)
                return true
            case 11: result = .unknown
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            default: result = .unrecognized(id)
            }
            try reader.skip(type)
            return true
        }
        return result
    }
}
