import B2JSON
import Foundation
import Hummingbird

/// Reads request bodies strictly: JSON objects only, no unknown fields, no wrong types; every failure is a
/// problem that names the field and what to send instead.
enum StrictJSON {
    /// The largest body accepted.
    static let maximumBody = 1 << 20

    /// Decodes the body of `request` as `T`.
    /// - Throws: `Problem` 400 when the body is not JSON, 422 when a field is unknown, missing or of the wrong type.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBody)
        } catch {
            throw Problem(.contentTooLarge, "Body too large", "Send at most 1 MiB of JSON")
        }
        return try decode(type, from: Data(buffer.readableBytesView))
    }

    /// Decodes `data` as `T`.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard case .object? = try? JSONParser.parse(Array(data)) else {
            throw Problem(
                .badRequest, "Malformed JSON",
                "The body must be one JSON object (Content-Type: application/json): see /openapi.yaml")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let unknown as UnknownField {
            throw Problem.invalid(
                unknown.path,
                "Unknown field '\(unknown.path)': remove it; the accepted fields are \(unknown.accepted.joined(separator: ", "))"
            )
        } catch let problem as Problem {
            throw problem
        } catch DecodingError.typeMismatch(let expected, let context) {
            let field = path(context.codingPath)
            throw Problem.invalid(field, "Field '\(field)' must be \(describe(expected))")
        } catch DecodingError.valueNotFound(let expected, let context) {
            let field = path(context.codingPath)
            throw Problem.invalid(field, "Field '\(field)' must be \(describe(expected)), not null")
        } catch DecodingError.keyNotFound(let key, let context) {
            let field = path(context.codingPath + [key])
            throw Problem.invalid(field, "Field '\(field)' is required")
        } catch DecodingError.dataCorrupted(let context) {
            let field = path(context.codingPath)
            throw Problem.invalid(field, "Field '\(field)' is malformed: \(context.debugDescription)")
        } catch {
            throw Problem(.badRequest, "Malformed JSON", "The body could not be read as JSON: see /openapi.yaml")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        case is [String].Type: "an array of strings"
        default: "a JSON object or value of the documented type"
        }
    }
}

/// A field the receiving type does not know.
struct UnknownField: Error {
    let path: String
    let accepted: [String]
}

/// Any key of a JSON object.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws `UnknownField` when the object being decoded has a key `Keys` does not list.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let container = try container(keyedBy: AnyKey.self)
        let accepted = Keys.allCases.map(\.stringValue)
        if let unknown = container.allKeys.first(where: { !accepted.contains($0.stringValue) }) {
            throw UnknownField(path: StrictJSON.path(codingPath + [unknown]), accepted: accepted)
        }
    }
}
