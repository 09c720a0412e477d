/// Writes Thrift's compact protocol: the encoding of Parquet's footer and page headers.
struct CompactWriter {
    private(set) var bytes: [UInt8] = []
    private var lastFieldIds: [Int16] = [0]

    mutating func appendRaw(_ raw: [UInt8]) {
        bytes += raw
    }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func zigzag(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func fieldHeader(_ id: Int16, _ type: CompactReader.FieldType) {
        let last = lastFieldIds[lastFieldIds.count - 1]
        let delta = id - last
        if delta > 0, delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            zigzag(Int64(id))
        }
        lastFieldIds[lastFieldIds.count - 1] = id
    }

    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        zigzag(Int64(value))
    }

    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        zigzag(value)
    }

    mutating func bool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    mutating func binary(_ id: Int16, _ value: [UInt8]) {
        fieldHeader(id, .binary)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ id: Int16, _ value: String) {
        binary(id, Array(value.utf8))
    }

    /// A struct field: `body` writes its fields.
    mutating func structure(_ id: Int16, _ body: (inout CompactWriter) -> Void) {
        fieldHeader(id, .structure)
        beginStruct()
        body(&self)
        endStruct()
    }

    /// A list field of `count` elements of `type`, each written by `element`.
    mutating func list(
        _ id: Int16, _ type: CompactReader.FieldType, count: Int, _ element: (inout CompactWriter, Int) -> Void
    ) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
        for index in 0..<count { element(&self, index) }
    }

    /// A struct element of a list.
    mutating func element(_ body: (inout CompactWriter) -> Void) {
        beginStruct()
        body(&self)
        endStruct()
    }

    mutating func beginStruct() { lastFieldIds.append(0) }

    mutating func endStruct() {
        bytes.append(0)
        lastFieldIds.removeLast()
    }

    /// Writes the stop byte of the outermost struct.
    mutating func finish() -> [UInt8] {
        bytes.append(0)
        return bytes
    }
}
