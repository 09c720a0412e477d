import Testing

@testable import B2SigV4

/// The one hex helper: lower-case digits out, either case in, and a clear nil for what is not hex.
@Suite("Hex")
struct HexTests {
    @Test("Bytes become two lower-case digits each, and come back from either case")
    func roundTrip() {
        let bytes: [UInt8] = [0x00, 0x0f, 0x10, 0xab, 0xff]
        #expect(Hex.string(bytes) == "000f10abff")
        #expect(Hex.bytes("000f10abff") == bytes)
        #expect(Hex.bytes("000F10ABFF") == bytes)
        #expect(Hex.bytes("") == [])
    }

    @Test("An odd number of digits, or anything but a digit, is not hex", arguments: ["abc", "0g", "zz", " 0a", "0a "])
    func notHex(_ text: String) {
        #expect(Hex.bytes(text) == nil)
    }
}
