import XCTest
import HADICCore
import HADICCrypto

/// The leaf bytes are built by splicing the signature into the unsigned canonical form; they
/// must equal a full RFC 8785 canonicalisation of the signed envelope for every event type,
/// time spelling and signature algorithm.
final class LeafBytesTests: XCTestCase {
    func testSplicedLeafEqualsFullCanonicalisation() throws {
        let keys = [try PrivateKey.generate(.ed25519), try PrivateKey.generate(.p256)]
        let times = ["2026-01-01T00:00:00Z", "2026-11-29T05:00:00.5Z", "2099-12-31T23:59:59.123456789Z"]
        let ledger = String(repeating: "ab", count: 32)
        var checked = 0
        for key in keys {
            for (type, body) in EventEnvelopeTests.validBodies(key.publicKey) {
                for time in times {
                    let parts = try EventEnvelope.Unsigned(ledger: ledger, type: type, actor: PartyID("mill")!, keyID: key.publicKey.keyID,
                                                           time: Timestamp(time)!, body: body)
                    let e = try parts.signed(with: key)
                    var full = parts.json
                    full["sig"] = .string(Base64.encode(e.signature))
                    XCTAssertEqual(e.leafBytes, JSONValue.object(full).canonicalBytes, "\(type.rawValue) at \(time)")
                    XCTAssertEqual(try EventEnvelope.parse(e.leafBytes).leafBytes, e.leafBytes)
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 2 * EventType.allCases.count * times.count)
    }
}
