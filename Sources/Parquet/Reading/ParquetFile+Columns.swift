import Dispatch

extension ParquetFile {
    /// Reads every column of a flat file, all row groups in order; with `threads` above 1, up to that many columns
    /// at once (each column's pages are decoded in order on one thread).
    /// - Throws: `ParquetError` for nested schemas, unsupported encodings or codecs, and corrupt pages; when
    ///   several columns fail, the first column's error.
    public func readColumns(threads: Int = 1) throws -> [ParquetColumn] {
        let leaves = try metadata.flatColumns()
        guard threads > 1, leaves.count > 1 else {
            return try leaves.indices.map { try readColumn(at: $0, element: leaves[$0]) }
        }
        var results = [Result<ParquetColumn, any Error>?](repeating: nil, count: leaves.count)
        results.withUnsafeMutableBufferPointer { slots in
            // Each iteration writes only its own slot.
            nonisolated(unsafe) let slots = slots
            let next = ColumnCounter()
            DispatchQueue.concurrentPerform(iterations: min(threads, leaves.count)) { _ in
                while let index = next.take(below: leaves.count) {
                    slots[index] = Result { try readColumn(at: index, element: leaves[index]) }
                }
            }
        }
        return try results.map { try $0!.get() }
    }

    /// One column across all row groups.
    private func readColumn(at index: Int, element: SchemaElement) throws -> ParquetColumn {
        guard let type = element.type else {
            throw ParquetError.corrupt("Column \(element.name) has no physical type")
        }
        var accumulator = ValueAccumulator(type: type, typeLength: Int(element.typeLength ?? 0))
        // Room for every row up front; for byte arrays, their PLAIN size less the 4-byte lengths, an upper bound
        // for plain pages (the metadata is only a hint: a corrupt figure is capped by the file's size).
        let chunks = metadata.rowGroups.compactMap { index < $0.columns.count ? $0.columns[index] : nil }
        let cap = byteCount * 8
        let rows = min(cap, chunks.reduce(0) { $0 + min(cap, Int(clamping: max(0, $1.valueCount))) })
        let plainBytes = chunks.reduce(0) { $0 + min(cap, Int(clamping: max(0, $1.uncompressedSize))) } - 4 * rows
        accumulator.reserveCapacity(rows: rows, bytes: max(0, min(plainBytes, cap)))
        for group in metadata.rowGroups {
            guard index < group.columns.count else {
                throw ParquetError.corrupt("A row group lacks column \(element.name)")
            }
            try withBytes { file in
                try ColumnChunkReader(file: file, element: element, chunk: group.columns[index])
                    .read(into: &accumulator)
            }
        }
        return ParquetColumn(
            element: element, values: accumulator.finish(), valid: accumulator.anyNull ? accumulator.valid : nil
        )
    }
}

/// Hands out column numbers to the threads reading them, each once.
private final class ColumnCounter: @unchecked Sendable {
    // Guarded by `lock`.
    private var next = 0
    private let lock = DispatchSemaphore(value: 1)

    func take(below count: Int) -> Int? {
        lock.wait()
        defer { lock.signal() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}
