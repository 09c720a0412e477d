/// The raw cells of one column, before their type is known: offsets into one byte buffer.
///
/// The reader appends a cell's bytes as they arrive and then ends the cell, so a cell split across chunks costs
/// no copy.
struct CellColumn: Sendable {
    var offsets: [Int] = [0]
    var bytes: [UInt8] = []

    var count: Int { offsets.count - 1 }

    /// Ends the cell whose bytes were appended since the last one ended.
    mutating func endCell() {
        offsets.append(bytes.count)
    }

    subscript(index: Int) -> ArraySlice<UInt8> { bytes[offsets[index]..<offsets[index + 1]] }
}

extension CellColumn {
    /// The cells through pointers, for the type inference's tight loops.
    struct View {
        let offsets: UnsafeBufferPointer<Int>
        let bytes: UnsafeBufferPointer<UInt8>

        var count: Int { offsets.count - 1 }

        subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[offsets[index]..<offsets[index + 1]])
        }
    }

    /// Calls `body` with a view of the cells, valid only inside it.
    func withView<Result>(_ body: (View) throws -> Result) rethrows -> Result {
        try offsets.withUnsafeBufferPointer { offsets in
            try bytes.withUnsafeBufferPointer { bytes in try body(View(offsets: offsets, bytes: bytes)) }
        }
    }
}
