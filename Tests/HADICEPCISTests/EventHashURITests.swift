import XCTest
@testable import HADICEPCIS

/// The `ni:` URI form of the event hash (RFC 6920, CBV 2.0 section 8.9 rules 22 to 24).
final class EventHashURITests: XCTestCase {
    func testURIRoundTrip() throws {
        let hex = String(repeating: "ab", count: 32)
        let hash = try XCTUnwrap(EPCISEventHash(hex: hex))
        XCTAssertEqual(hash.uri, "ni:///sha-256;\(hex)?ver=CBV2.0")
        XCTAssertEqual(EPCISEventHash(uri: hash.uri), hash)
        XCTAssertEqual(EPCISEventHash(uri: "ni:///sha-256;\(hex.uppercased())?ver=CBV2.0")?.hex, hex)
    }

    func testMalformedURIsAreRefused() {
        let hex = String(repeating: "0", count: 64)
        for bad in ["ni:///sha-256;\(hex)", "ni:///sha-384;\(hex)?ver=CBV2.0", "ni:///sha-256;\(hex.dropLast())?ver=CBV2.0",
                    "ni:///sha-256;\(hex.dropLast())g?ver=CBV2.0", "ni:///sha-256;\(hex)?ver=CBV2.1", "", "ni:///sha-256;?ver=CBV2.0"] {
            XCTAssertNil(EPCISEventHash(uri: bad), bad)
        }
    }
}
