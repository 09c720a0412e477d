/// Reads Thrift's compact protocol, the encoding of Parquet's metadata and page headers.
///
/// Struct readers call ``readFieldHeader()`` in a loop and ``skip(_:)`` the fields they do not know, so files
/// written by newer writers (new fields, new union members) still read. Every length is checked against the bytes
/// left, and nesting is bounded, so corrupt input throws instead of crashing.
struct CompactReader {
    /// Compact protocol type ids.
    enum FieldType: UInt8 {
        case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7, binary = 8
        case list = 9, set = 10, map = 11, structure = 12
    }

    private let bytes: [UInt8]
    private(set) var position: Int
    private var lastFieldIds: [Int16] = [0]
    private var depth = 0

    init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    private func fail(_ what: String) -> ParquetError {
        .corrupt("Corrupt Parquet metadata at byte \(position): \(what)")
    }

    mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw fail("it ends early") }
        position += 1
        return bytes[position - 1]
    }

    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw fail("a varint is too long") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readI64() throws -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func readI32() throws -> Int32 {
        let value = try readI64()
        guard let narrow = Int32(exactly: value) else { throw fail("an i32 is out of range") }
        return narrow
    }

    mutating func readI16() throws -> Int16 {
        let value = try readI64()
        guard let narrow = Int16(exactly: value) else { throw fail("an i16 is out of range") }
        return narrow
    }

    mutating func readDouble() throws -> Double {
        guard bytes.count - position >= 8 else { throw fail("it ends inside a double") }
        var raw: UInt64 = 0
        for index in 0..<8 { raw |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return Double(bitPattern: raw)
    }

    mutating func readBinary() throws -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(bytes.count - position) else {
            throw fail("a binary of \(length) bytes runs past the end")
        }
        let start = position
        position += Int(length)
        return Array(bytes[start..<position])
    }

    mutating func readString() throws -> String {
        String(decoding: try readBinary(), as: UTF8.self)
    }

    /// The next field's id and type, or nil at the struct's end; a boolean field carries its value in the type.
    mutating func readFieldHeader() throws -> (id: Int16, type: FieldType)? {
        let header = try readByte()
        guard header != 0 else { return nil }
        guard let type = FieldType(rawValue: header & 0x0F) else { throw fail("unknown field type \(header & 0x0F)") }
        let delta = Int16(header >> 4)
        let id = delta == 0 ? try readI16() : lastFieldIds[lastFieldIds.count - 1] + delta
        lastFieldIds[lastFieldIds.count - 1] = id
        return (id, type)
    }

    /// Enters a nested struct (field ids restart).
    mutating func beginStruct() throws {
        depth += 1
        guard depth <= 64 else { throw fail("structs nested too deep") }
        lastFieldIds.append(0)
    }

    /// Leaves a nested struct.
    mutating func endStruct() {
        depth -= 1
        lastFieldIds.removeLast()
    }

    /// A list header: element type and count.
    mutating func readListHeader() throws -> (type: FieldType, count: Int) {
        let header = try readByte()
        guard let type = FieldType(rawValue: header & 0x0F) else { throw fail("unknown element type") }
        var count = Int(header >> 4)
        if count == 15 {
            let long = try readVarint()
            guard long <= UInt64(bytes.count - position) else { throw fail("a list of \(long) runs past the end") }
            count = Int(long)
        }
        return (type, count)
    }

    /// Reads a boolean list element or a boolean carried in a field header.
    mutating func readBool(_ type: FieldType) throws -> Bool {
        switch type {
        case .boolTrue: return true
        case .boolFalse: return false
        default: return try readByte() == 1
        }
    }

    /// Skips a value of `type`, whatever it holds.
    mutating func skip(_ type: FieldType) throws {
        switch type {
        case .stop: return
        case .boolTrue, .boolFalse: return
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: _ = try readDouble()
        case .binary: _ = try readBinary()
        case .list, .set:
            let (element, count) = try readListHeader()
            for _ in 0..<count {
                if element == .boolTrue || element == .boolFalse { _ = try readByte() } else { try skip(element) }
            }
        case .map:
            let count = try readVarint()
            guard count <= UInt64(bytes.count - position) else { throw fail("a map runs past the end") }
            guard count > 0 else { return }
            let types = try readByte()
            guard let key = FieldType(rawValue: types >> 4), let value = FieldType(rawValue: types & 0x0F) else {
                throw fail("unknown map types")
            }
            for _ in 0..<count {
                try skip(key)
                try skip(value)
            }
        case .structure:
            try beginStruct()
            while let field = try readFieldHeader() { try skip(field.type) }
            endStruct()
        }
    }

    /// Reads a struct, handing each field to `field`, which returns false for fields it does not know (skipped).
    mutating func readStruct(_ field: (inout CompactReader, Int16, FieldType) throws -> Bool) throws {
        try beginStruct()
        while let header = try readFieldHeader() {
            if try !field(&self, header.id, header.type) { try skip(header.type) }
        }
        endStruct()
    }

    /// Reads a list of elements with `element`.
    mutating func readList<Element>(_ element: (inout CompactReader, FieldType) throws -> Element) throws
        -> [Element]
    {
        let (type, count) = try readListHeader()
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try element(&self, type)) }
        return elements
    }
}
