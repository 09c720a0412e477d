import B2Kit
import Foundation
import Synchronization

/// A file of `SyncEventLine`s, one per change, appended as it happens: `b2kit sync --events FILE`, and each of the
/// service's syncs.
public final class SyncEventLog: Sendable {
    private let handle: Mutex<FileHandle>
    /// The file.
    public let path: String
    /// The sync's destination, for the local path of a copy.
    public let destination: SyncEndpoint

    /// Opens `path` for appending, creating it when missing.
    /// - Throws: `B2Error` `.localFile` when it cannot be created or written.
    public init(path: String, destination: SyncEndpoint) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw B2Error(.localFile, "Cannot create the events file \(path): check the folder exists")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw B2Error(.localFile, "Cannot write the events file \(path): check its permissions")
        }
        handle.seekToEndOfFile()
        self.handle = Mutex(handle)
        self.path = path
        self.destination = destination
    }

    /// Appends the line of `event`, if it has one.
    public func append(_ event: SyncEvent) {
        // Progress comes once per received chunk: it writes no line, so it must cost nothing here.
        if case .progress = event { return }
        guard let line = SyncEventLine(event, destination: destination) else { return }
        handle.withLock { $0.write(Data((line.text + "\n").utf8)) }
    }

    /// Reads the lines of the events file `path` after the first `after`, at most `limit` of them, streaming the
    /// file in chunks. A missing file has no lines; a torn last line (a write in progress) is not read yet.
    /// - Throws: `B2Error` `.localFile` when the file cannot be read, `.integrity` for a line that is not an event.
    public static func lines(in path: String, after: Int, limit: Int) throws -> [SyncEventLine] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw B2Error(.localFile, "Cannot read the events file \(path): check its permissions")
        }
        defer { try? file.close() }
        let decoder = JSONDecoder()
        var lines: [SyncEventLine] = []
        var seen = 0
        var pending = Data()
        while lines.count < limit {
            let chunk = file.readData(ofLength: 1 << 16)
            if chunk.isEmpty { break }
            pending.append(chunk)
            while lines.count < limit, let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<end]
                pending = pending[(end + 1)...]
                seen += 1
                guard seen > after else { continue }
                do {
                    lines.append(try decoder.decode(SyncEventLine.self, from: line))
                } catch {
                    throw B2Error(
                        .integrity, "Line \(seen) of the events file \(path) is not an event: remove or fix it",
                        cause: DescribedError(error))
                }
            }
            // Keep memory to one line, whatever the file's size.
            pending = Data(pending)
        }
        return lines
    }
}
