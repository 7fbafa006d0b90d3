import HADICCrypto
import XCTest

final class HexTests: XCTestCase {
    func testRoundTrip() {
        let bytes = (0...255).map { UInt8($0) }
        let encoded = Hex.encode(bytes)
        XCTAssertEqual(encoded.count, 512)
        XCTAssertEqual(encoded, encoded.lowercased())
        XCTAssertEqual(Hex.decode(encoded), bytes)
        XCTAssertEqual(Hex.encode([0x00, 0x0f, 0xa0, 0xff]), "000fa0ff")
        XCTAssertEqual(Hex.encode([]), "")
        XCTAssertEqual(Hex.decode(""), [])
    }

    func testAcceptsUppercase() {
        XCTAssertEqual(Hex.decode("DEADbeef"), [0xde, 0xad, 0xbe, 0xef])
    }

    func testRejectsBadInput() {
        for bad in ["0", "abc", "0g", "zz", "0x00", " 00", "00 ", "0-", "é0", "00\n", "+1"] {
            XCTAssertNil(Hex.decode(bad), "accepted \(bad.debugDescription)")
        }
    }
}
