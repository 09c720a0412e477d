import B2JSON
import NIOCore

extension JSONValue {
    /// How the emulator reads request bodies: RFC 8259 only (no `NaN`), 64 levels deep, a repeated key replacing
    /// the earlier one.
    static let requestOptions = JSONParser.Options(allowsNonFiniteNumbers: false, maximumDepth: 64)

    /// Parses a request body; an empty body counts as `{}`.
    /// - Throws: `B2APIError` with code `bad_json` saying where the text stops being JSON.
    static func parse(_ buffer: ByteBuffer) throws -> JSONValue {
        let bytes = Array(buffer.readableBytesView)
        if JSONParser.isBlank(bytes) { return .object([]) }
        do {
            return try JSONParser.parse(bytes, options: requestOptions)
        } catch {
            throw B2APIError.badJSON(
                "The request body is not valid JSON (\(error.reason) at byte \(error.offset)): send a JSON object")
        }
    }

    /// The compact JSON text of this value in a `ByteBuffer`.
    func byteBuffer() -> ByteBuffer {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return ByteBuffer(bytes: out)
    }
}
