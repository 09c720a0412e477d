import Foundation
import Testing

@testable import B2Kit

#if canImport(Glibc)
    import Glibc
#endif

@Suite("LocalFile: the checks before an upload")
struct LocalFileTests {
    /// A fresh folder of its own under the system's temporary folder.
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "b2kit-localfile-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The error `LocalFile(checking:)` throws for `path`, which must throw.
    static func failure(_ path: String) throws -> B2Error {
        do {
            _ = try LocalFile(checking: path)
        } catch let error as B2Error {
            return error
        }
        Issue.record("\(path) passed the checks")
        throw CancellationError()
    }

    @Test("a regular file gives its size and modification time to the millisecond")
    func regularFile() throws {
        let path = try Self.folder() + "/data.bin"
        try Data(repeating: 7, count: 1234).write(to: URL(fileURLWithPath: path))
        let time = timespec(tv_sec: 1_700_000_000, tv_nsec: 123_456_789)
        #expect(utimensat(AT_FDCWD, path, [time, time], 0) == 0)
        let file = try LocalFile(checking: path)
        #expect(file.path == path)
        #expect(file.size == 1234)
        #expect(file.modifiedMillis == 1_700_000_000_123)
    }

    @Test("a missing file, or one below a file, is named as missing")
    func missing() throws {
        let folder = try Self.folder()
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/plain"))
        for path in [folder + "/absent", folder + "/plain/below"] {
            let error = try Self.failure(path)
            #expect(error.code == .localFile)
            #expect(error.message == "No such file: \(path)")
        }
    }

    @Test("a directory, a pipe or a device is a usage error that says to give a file")
    func notAFile() throws {
        let folder = try Self.folder()
        let pipe = folder + "/pipe"
        #expect(mkfifo(pipe, 0o600) == 0)
        let cases = [
            (folder, "\(folder) is a directory: give a file (b2kit sync copies trees)"),
            (pipe, "\(pipe) is not a regular file (a pipe, socket or device): give a file"),
            ("/dev/null", "/dev/null is not a regular file (a pipe, socket or device): give a file"),
        ]
        for (path, message) in cases {
            let error = try Self.failure(path)
            #expect(error.isUsageError)
            #expect(error.message == message)
        }
    }

    // Root reads any file whatever its mode; Tests/Interop/test_b2kit_cli.py checks these as another user.
    @Test(
        "a file without read permission, or in a folder that may not be entered, says which",
        .enabled(if: geteuid() != 0, "root may read any file")
    )
    func unreadable() throws {
        let folder = try Self.folder()
        let file = folder + "/secret.bin"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        #expect(chmod(file, 0) == 0)
        let own = try Self.failure(file)
        #expect(own.code == .localFile)
        #expect(own.message == "Cannot read \(file): check its permissions (ls -l shows them)")
        let closed = folder + "/closed"
        try FileManager.default.createDirectory(atPath: closed, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: closed + "/inside.bin"))
        #expect(chmod(closed, 0) == 0)
        defer { _ = chmod(closed, 0o700) }
        let above = try Self.failure(closed + "/inside.bin")
        #expect(above.code == .localFile)
        #expect(above.message.contains("a folder above it may not be entered"))
    }
}
