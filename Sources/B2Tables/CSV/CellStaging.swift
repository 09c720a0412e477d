/// Where the CSV reader puts a chunk's cells before their columns: per column, the bytes and the cell ends, written
/// through pointers, then appended to the column's `CellColumn` once per chunk. An array append per cell (a
/// uniqueness check, a capacity check and a `memmove` call for a dozen bytes) was a third of the reading time.
///
/// A reference type, so the reader's mutating methods reach it without copying; the reader keeps it empty between
/// chunks and replaces it when a copy of the reader shares it, so each reader still behaves as a value.
final class CellStaging: @unchecked Sendable {
    // Only touched by the reader that uniquely holds it, inside one `consume` or `finish` call.
    private struct Lane {
        var bytes: UnsafeMutablePointer<UInt8>
        var byteCount = 0
        var byteCapacity: Int
        /// Cell ends, as counts of this chunk's bytes in the lane when the cell ended.
        var ends: UnsafeMutablePointer<Int>
        var endCount = 0
        var endCapacity: Int
    }

    /// Spare bytes past each lane's capacity, so a short cell is copied 16 bytes at a time.
    private static let slack = 16
    private let lanes: UnsafeMutablePointer<Lane>
    let columnCount: Int

    init(columns: Int) {
        columnCount = columns
        lanes = .allocate(capacity: max(1, columns))
        for column in 0..<columns {
            (lanes + column).initialize(
                to: Lane(
                    bytes: .allocate(capacity: 4096 + Self.slack), byteCapacity: 4096,
                    ends: .allocate(capacity: 256), endCapacity: 256))
        }
    }

    deinit {
        for column in 0..<columnCount {
            lanes[column].bytes.deallocate()
            lanes[column].ends.deallocate()
        }
        lanes.deinitialize(count: columnCount)
        lanes.deallocate()
    }

    /// Appends bytes to the column's open cell. `readable` says the 16 bytes from `bytes`' start may be read (the
    /// source has them), which lets a short cell be moved in two 8-byte words.
    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>, to column: Int, readable: Bool) {
        let lane = lanes + column
        let count = bytes.count
        if lane.pointee.byteCapacity - lane.pointee.byteCount < count { grow(lane, bytes: count) }
        let target = lane.pointee.bytes + lane.pointee.byteCount
        if count <= 16, readable, let source = bytes.baseAddress {
            let raw = UnsafeRawPointer(source)
            UnsafeMutableRawPointer(target).storeBytes(of: raw.loadUnaligned(as: UInt64.self), as: UInt64.self)
            UnsafeMutableRawPointer(target + 8).storeBytes(
                of: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self), as: UInt64.self)
        } else if count > 0 {
            target.update(from: bytes.baseAddress!, count: count)
        }
        lane.pointee.byteCount += count
    }

    /// Appends one byte to the column's open cell.
    @inline(__always)
    func append(_ byte: UInt8, to column: Int) {
        let lane = lanes + column
        if lane.pointee.byteCapacity == lane.pointee.byteCount { grow(lane, bytes: 1) }
        lane.pointee.bytes[lane.pointee.byteCount] = byte
        lane.pointee.byteCount += 1
    }

    /// Ends the column's open cell.
    @inline(__always)
    func endCell(_ column: Int) {
        let lane = lanes + column
        if lane.pointee.endCapacity == lane.pointee.endCount { growEnds(lane) }
        lane.pointee.ends[lane.pointee.endCount] = lane.pointee.byteCount
        lane.pointee.endCount += 1
    }

    /// Moves what is staged to the columns' cells (a cell still open keeps its bytes there, and its end comes
    /// with a later chunk), and empties the lanes.
    func flush(into cells: inout [CellColumn]) {
        for column in 0..<min(columnCount, cells.count) {
            let lane = lanes + column
            // An empty lane leaves the column alone: even an empty append would copy buffers a table now shares.
            guard lane.pointee.byteCount > 0 || lane.pointee.endCount > 0 else { continue }
            let base = cells[column].bytes.count
            cells[column].bytes.append(
                contentsOf: UnsafeBufferPointer(start: lane.pointee.bytes, count: lane.pointee.byteCount))
            let ends = UnsafeBufferPointer(start: lane.pointee.ends, count: lane.pointee.endCount)
            cells[column].offsets.reserveCapacity(cells[column].offsets.count + ends.count)
            for end in ends { cells[column].offsets.append(base + end) }
            lane.pointee.byteCount = 0
            lane.pointee.endCount = 0
        }
    }

    private func grow(_ lane: UnsafeMutablePointer<Lane>, bytes needed: Int) {
        let capacity = max(lane.pointee.byteCapacity * 2, lane.pointee.byteCount + needed)
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + Self.slack)
        bytes.update(from: lane.pointee.bytes, count: lane.pointee.byteCount)
        lane.pointee.bytes.deallocate()
        lane.pointee.bytes = bytes
        lane.pointee.byteCapacity = capacity
    }

    private func growEnds(_ lane: UnsafeMutablePointer<Lane>) {
        let capacity = lane.pointee.endCapacity * 2
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        ends.update(from: lane.pointee.ends, count: lane.pointee.endCount)
        lane.pointee.ends.deallocate()
        lane.pointee.ends = ends
        lane.pointee.endCapacity = capacity
    }
}
