import B2JSON
import Foundation

/// A credentials JSON file in the Algorithmia style: `{"key_id": "...", "application_key": "..."}`.
struct CredentialsFile: Sendable {
    /// The file's path.
    let path: String
    /// The application key id.
    let keyId: String
    /// The application key.
    let applicationKey: String

    static let keyIdField = "key_id"
    static let applicationKeyField = "application_key"
    private static let expected = #"{"key_id": "...", "application_key": "..."}"#

    /// Reads and checks a file.
    ///
    /// - Parameters:
    ///   - path: the absolute path of the file.
    ///   - origin: how the path was chosen, e.g. "--credentials", for messages.
    /// - Throws: `B2Error` with code `.configuration` naming the file and the field at fault: a missing or
    ///   unreadable file, text that is not a JSON object, a field that is missing, empty or not a string, or the
    ///   wrong field names.
    static func load(path: String, origin: String) throws -> CredentialsFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw B2Error(
                .configuration,
                "Could not read the credentials file \(path) (\(origin)): check its permissions, or point "
                    + "--credentials elsewhere"
            )
        }
        return try parse(data, path: path)
    }

    /// Checks the contents of a file.
    static func parse(_ data: Data, path: String) throws -> CredentialsFile {
        // Editors on Windows save a UTF-8 byte-order mark; JSON itself must not start with one.
        let bytes = data.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(data.dropFirst(3)) : Array(data)
        guard case .object(let members)? = try? JSONParser.parse(bytes) else {
            throw B2Error(
                .configuration, "The credentials file \(path) is not a JSON object: it should read \(expected)"
            )
        }
        let object = JSONValue.object(members)
        let keyIdValue = object[keyIdField]
        let applicationKeyValue = object[applicationKeyField]
        if keyIdValue == nil, applicationKeyValue == nil {
            throw B2Error(
                .configuration,
                "The credentials file \(path) has neither key_id nor application_key\(found(object)): "
                    + "it should read \(expected)"
            )
        }
        let keyId = try field(keyIdField, keyIdValue, in: object, path: path)
        let applicationKey = try field(applicationKeyField, applicationKeyValue, in: object, path: path)
        return CredentialsFile(path: path, keyId: keyId, applicationKey: applicationKey)
    }

    private static func field(_ name: String, _ value: JSONValue?, in object: JSONValue, path: String) throws -> String
    {
        guard let value else {
            throw B2Error(
                .configuration,
                "The credentials file \(path) has no \(name)\(found(object)): it should read \(expected)"
            )
        }
        guard case .string(let text) = value else {
            throw B2Error(
                .configuration, "\(name) in the credentials file \(path) is not a string: it should read \(expected)"
            )
        }
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty else {
            throw B2Error(.configuration, "\(name) in the credentials file \(path) is empty: fill it in")
        }
        return trimmed
    }

    /// The field names the file does have (names only, never values), so a wrong spelling is easy to see.
    private static func found(_ object: JSONValue) -> String {
        let known: Set<String> = [keyIdField, applicationKeyField]
        guard case .object(let members) = object else { return "" }
        let others = members.map(\.0).filter { !known.contains($0) }.sorted()
        guard !others.isEmpty else { return "" }
        let shown = others.prefix(6).map { $0.count > 40 ? "\($0.prefix(40))..." : $0 }
        return " (it has \(shown.joined(separator: ", "))\(others.count > 6 ? ", ..." : ""))"
    }
}
