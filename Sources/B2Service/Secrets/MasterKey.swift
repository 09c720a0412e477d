import B2Kit
import Crypto
import Foundation

/// Finds the master key: `B2KIT_MASTER_KEY` (base64 of 32 bytes), else a key file, created with mode 0600 on
/// first start.
public enum MasterKey {
    /// The environment variable that holds the master key.
    public static let environmentVariable = "B2KIT_MASTER_KEY"

    /// Loads (or creates) the master key.
    /// - Parameters:
    ///   - environment: where `B2KIT_MASTER_KEY` is looked up.
    ///   - file: the key file used when the variable is unset.
    /// - Throws: `B2Error` `.configuration` for a malformed key, `.localFile` when the file cannot be read or made.
    public static func load(environment: [String: String], file: String) throws -> SymmetricKey {
        if let text = environment[environmentVariable] {
            return try decode(text, from: environmentVariable)
        }
        if FileManager.default.fileExists(atPath: file) {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw B2Error(.localFile, "Cannot read the master key file \(file): check its permissions")
            }
            return try decode(String(decoding: data, as: UTF8.self), from: file)
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw B2Error(
                .localFile,
                "Cannot create the master key file \(file) (errno \(errno)): check the folder exists and is writable")
        }
        defer { close(descriptor) }
        let written = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, text.utf8.count) }
        guard written == text.utf8.count else {
            throw B2Error(.localFile, "Cannot write the master key file \(file) (errno \(errno))")
        }
        return key
    }

    static func decode(_ text: String, from source: String) throws -> SymmetricKey {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32
        else {
            throw B2Error(
                .configuration,
                "\(source) must hold base64 of 32 random bytes (make one with: head -c 32 /dev/urandom | base64)")
        }
        return SymmetricKey(data: data)
    }
}
