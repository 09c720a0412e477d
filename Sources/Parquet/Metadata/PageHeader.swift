/// A page's header: its kind, sizes, and the counts and encodings of what it holds.
struct PageHeader {
    enum Kind: Int32 {
        case data = 0, index = 1, dictionary = 2, dataV2 = 3
    }

    var kind: Kind?
    var uncompressedSize: Int32 = 0
    var compressedSize: Int32 = 0
    var valueCount: Int32 = 0
    var encoding: Int32 = 0
    var nullCount: Int32?
    var definitionLevelsLength: Int32 = 0
    var repetitionLevelsLength: Int32 = 0
    var isCompressed = true

    /// Reads a header at `position` of a file, from a copy of the bytes after it (4 KiB, which holds any usual
    /// header; all of them up to `end` when it does not); returns it and where the page's bytes start.
    static func read(_ file: UnsafeBufferPointer<UInt8>, at position: Int, end: Int) throws -> (PageHeader, Int) {
        let end = min(end, file.count)
        guard position >= 0, position < end else { throw ParquetError.corrupt("A page header lies outside the file") }
        let window = min(end, position + 4096)
        do {
            let (header, start) = try read(Array(file[position..<window]), at: 0)
            return (header, position + start)
        } catch  where window < end {
            let (header, start) = try read(Array(file[position..<end]), at: 0)
            return (header, position + start)
        }
    }

    /// Reads a header at `position`; returns it and where the page's bytes start.
    static func read(_ bytes: [UInt8], at position: Int) throws -> (PageHeader, Int) {
        var reader = CompactReader(bytes, at: position)
        var header = PageHeader()
        try reader.readStruct { reader, id, type in
            switch (id, type) {
            case (1, .i32): header.kind = Kind(rawValue: try reader.readI32())
            case (2, .i32): header.uncompressedSize = try reader.readI32()
            case (3, .i32): header.compressedSize = try reader.readI32()
            case (5, .structure), (7, .structure):
                try reader.readStruct { reader, id, type in
                    switch (id, type) {
                    case (1, .i32): header.valueCount = try reader.readI32()
                    case (2, .i32): header.encoding = try reader.readI32()
                    default: return false
                    }
                    return true
                }
            case (8, .structure):
                try reader.readStruct { reader, id, type in
                    switch (id, type) {
                    case (1, .i32): header.valueCount = try reader.readI32()
                    case (2, .i32): header.nullCount = try reader.readI32()
                    case (4, .i32): header.encoding = try reader.readI32()
                    case (5, .i32): header.definitionLevelsLength = try reader.readI32()
                    case (6, .i32): header.repetitionLevelsLength = try reader.readI32()
                    case (7, .boolTrue), (7, .boolFalse): header.isCompressed = try reader.readBool(type)
                    default: return false
                    }
                    return true
                }
            default: return false
            }
            return true
        }
        guard header.compressedSize >= 0, header.uncompressedSize >= 0, header.valueCount >= 0 else {
            throw ParquetError.corrupt("A page header has a negative size or count")
        }
        return (header, reader.position)
    }
}
