import B2SigV4
import Foundation
import Hummingbird

/// Encodes API answers: snake_case fields as each type declares them, ISO 8601 dates, sorted keys.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601Timestamp.string(from: date, fractionalSeconds: true))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A list wrapped as `{"data": [...]}`.
    struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
        var data: [Item]
        var nextAfter: String?
        enum CodingKeys: String, CodingKey {
            case data
            case nextAfter = "next_after"
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(data, forKey: .data)
            try container.encode(nextAfter, forKey: .nextAfter)
        }
    }
}
