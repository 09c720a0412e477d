import B2Kit
import B2SigV4
import Crypto
import Foundation

/// SHA-1s of local files, read in chunks.
enum LocalDigest {
    /// The SHA-1 of the file at `path`, in hex.
    /// - Throws: `B2Error` `.localFile` when it cannot be read.
    static func sha1(ofFileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw B2Error(.localFile, "Cannot read \(path) to hash it: check that it exists and is readable")
        }
        defer { try? handle.close() }
        var hasher = Insecure.SHA1()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw B2Error(.localFile, "Cannot read \(path) to hash it", cause: DescribedError(error))
            }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
        }
        return Hex.string(hasher.finalize())
    }
}
