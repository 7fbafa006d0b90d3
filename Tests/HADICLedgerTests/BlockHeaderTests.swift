import XCTest
import HADICCore
import HADICCrypto
import HADICLedger

final class BlockHeaderTests: XCTestCase {
    private let time = Timestamp("2026-11-29T05:00:00Z")!

    private func genesis() throws -> (Genesis, PrivateKey, PrivateKey) {
        let seq = try PrivateKey.generate(.ed25519)
        let admin = try PrivateKey.generate(.ed25519)
        let g = try Genesis(origin: "example.org/hadic/test", sequencerKey: seq.publicKey,
                            admins: [GenesisAdmin(party: PartyID("admin")!, publicKey: admin.publicKey)])
        return (g, seq, admin)
    }

    private func normalBlock() -> BlockHeader {
        BlockHeader.block(ledgerID: String(repeating: "ab", count: 32), height: 7,
                          previousHash: [UInt8](repeating: 0x11, count: 32), time: time,
                          treeSize: 12, treeRoot: [UInt8](repeating: 0x22, count: 32))
    }

    func testNormalBlockCanonicalBytes() {
        let h = normalBlock()
        let expected = #"{"height":7,"ledger":""# + String(repeating: "ab", count: 32) + #"","prev":""#
            + String(repeating: "11", count: 32) + #"","time":"2026-11-29T05:00:00Z","tree_root":""#
            + String(repeating: "22", count: 32) + #"","tree_size":12,"v":1}"#
        XCTAssertEqual(String(decoding: h.canonicalBytes, as: UTF8.self), expected)
        XCTAssertEqual(h.signingInput, Array("hadic-block-v1\n".utf8) + h.canonicalBytes)
        XCTAssertEqual(h.hash, SHA256.hash(Array("hadic-block-v1\n".utf8) + Array(expected.utf8)))
        XCTAssertNil(h.genesis)
        XCTAssertEqual(h.json["height"], .number(JSONNumber(7)))
    }

    func testGenesisCanonicalBytes() throws {
        let (g, seq, admin) = try genesis()
        let h = BlockHeader.genesis(g, time: time)
        let expected = #"{"admins":[{"party":"admin","public_key":""# + Base64.encode(admin.publicKey.spkiDER)
            + #""}],"height":0,"origin":"example.org/hadic/test","sequencer_key":""# + Base64.encode(seq.publicKey.spkiDER)
            + #"","time":"2026-11-29T05:00:00Z","tree_root":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","tree_size":0,"v":1}"#
        XCTAssertEqual(String(decoding: h.canonicalBytes, as: UTF8.self), expected)
        XCTAssertEqual(h.hash, SHA256.hash(Array("hadic-block-v1\n".utf8) + h.canonicalBytes))
        XCTAssertEqual(h.treeRoot, MerkleHash.emptyRoot)
        XCTAssertEqual(h.treeSize, 0)
        XCTAssertNil(h.previousHash)
        XCTAssertNil(h.ledgerID)
    }

    func testParseRoundTrip() throws {
        let (g, _, _) = try genesis()
        let gh = BlockHeader.genesis(g, time: time)
        let parsedGenesis = try BlockHeader.parse(gh.canonicalBytes)
        XCTAssertEqual(parsedGenesis, gh)
        XCTAssertEqual(parsedGenesis.genesis, g)
        XCTAssertEqual(parsedGenesis.hash, gh.hash)

        let h = normalBlock()
        let parsed = try BlockHeader.parse(h.canonicalBytes)
        XCTAssertEqual(parsed, h)
        XCTAssertEqual(parsed.height, 7)
        XCTAssertEqual(parsed.treeSize, 12)
        XCTAssertEqual(parsed.previousHash, [UInt8](repeating: 0x11, count: 32))
        XCTAssertEqual(parsed.ledgerID, String(repeating: "ab", count: 32))
        XCTAssertEqual(parsed.hash, h.hash)
    }

    private func assertMalformed(_ text: String, _ problem: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try BlockHeader.parse(Array(text.utf8)), file: file, line: line) { error in
            guard case .malformedHeader(let p) = error as? LedgerError else {
                return XCTFail("expected malformedHeader, got \(error)", file: file, line: line)
            }
            if let problem { XCTAssertTrue(p.contains(problem), p, file: file, line: line) }
        }
    }

    func testNonCanonicalBytesRejected() throws {
        let text = String(decoding: normalBlock().canonicalBytes, as: UTF8.self)
        assertMalformed(text.replacingOccurrences(of: ",", with: ", "), "not canonical")
        assertMalformed(text + "\n", "not canonical")
        assertMalformed(text.replacingOccurrences(of: #""tree_size":12"#, with: #""tree_size":12.0"#), "not canonical")
        // Same members in another order.
        let reordered = #"{"v":1,"height":7,"ledger":""# + String(repeating: "ab", count: 32) + #"","prev":""#
            + String(repeating: "11", count: 32) + #"","time":"2026-11-29T05:00:00Z","tree_root":""#
            + String(repeating: "22", count: 32) + #"","tree_size":12}"#
        XCTAssertEqual(try JSONValue.parse(reordered), try JSONValue.parse(text))
        assertMalformed(reordered, "not canonical")
        // Upper-case hex is another spelling of the same hash.
        assertMalformed(text.replacingOccurrences(of: "2222", with: "2A2A"))
    }

    func testMalformedHeadersRejected() throws {
        let text = String(decoding: normalBlock().canonicalBytes, as: UTF8.self)
        assertMalformed(text.replacingOccurrences(of: #""v":1"#, with: #""v":2"#), "unsupported header version")
        assertMalformed(text.replacingOccurrences(of: #""v":1}"#, with: #""v":1,"x":1}"#), "header.x")
        assertMalformed(text.replacingOccurrences(of: #","tree_size":12"#, with: ""), "header.tree_size")
        assertMalformed(text.replacingOccurrences(of: String(repeating: "11", count: 32), with: "11"), "header.prev")
        assertMalformed("not json")
        let (g, _, _) = try genesis()
        let gText = String(decoding: BlockHeader.genesis(g, time: time).canonicalBytes, as: UTF8.self)
        assertMalformed(gText.replacingOccurrences(of: #""tree_size":0"#, with: #""tree_size":1"#), "genesis must commit to the empty tree")
        assertMalformed(gText.replacingOccurrences(of: "e3b0c442", with: "00000000"), "genesis must commit to the empty tree")
        // A genesis header naming an invalid origin is refused as an invalid genesis.
        let badOrigin = gText.replacingOccurrences(of: #""origin":"example.org/hadic/test""#, with: #""origin":"bad origin""#)
        XCTAssertThrowsError(try BlockHeader.parse(Array(badOrigin.utf8))) { error in
            guard case .invalidGenesis = error as? LedgerError else { return XCTFail("\(error)") }
        }
    }

    func testGenesisValidation() throws {
        let seq = try PrivateKey.generate(.ed25519)
        let admin = GenesisAdmin(party: PartyID("admin")!, publicKey: try PrivateKey.generate(.ed25519).publicKey)
        func invalid(_ body: @autoclosure () throws -> Genesis) {
            XCTAssertThrowsError(try body()) { error in
                guard case .invalidGenesis = error as? LedgerError else { return XCTFail("\(error)") }
            }
        }
        invalid(try Genesis(origin: "bad origin", sequencerKey: seq.publicKey, admins: [admin]))
        invalid(try Genesis(origin: "a+b", sequencerKey: seq.publicKey, admins: [admin]))
        invalid(try Genesis(origin: "", sequencerKey: seq.publicKey, admins: [admin]))
        invalid(try Genesis(origin: String(repeating: "o", count: 256), sequencerKey: seq.publicKey, admins: [admin]))
        invalid(try Genesis(origin: "o", sequencerKey: try PrivateKey.generate(.p256).publicKey, admins: [admin]))
        invalid(try Genesis(origin: "o", sequencerKey: seq.publicKey, admins: []))
        invalid(try Genesis(origin: "o", sequencerKey: seq.publicKey,
                            admins: [admin, GenesisAdmin(party: PartyID("admin2")!, publicKey: admin.publicKey)]))
        let ok = try Genesis(origin: String(repeating: "o", count: 255), sequencerKey: seq.publicKey, admins: [admin])
        XCTAssertEqual(ok.initialState.parties[PartyID("admin")!], PartyRecord(role: .admin, name: "admin", registeredBy: nil, revokedBy: nil))
        XCTAssertEqual(ok.initialState.keys[admin.publicKey.keyID]?.party, PartyID("admin"))
        XCTAssertEqual(ok.initialState.parties.count, 1)
    }

    func testHashChangesWithEveryField() {
        let base = normalBlock()
        let variants = [
            BlockHeader.block(ledgerID: String(repeating: "ac", count: 32), height: 7, previousHash: base.previousHash!, time: time, treeSize: 12, treeRoot: base.treeRoot),
            BlockHeader.block(ledgerID: base.ledgerID!, height: 8, previousHash: base.previousHash!, time: time, treeSize: 12, treeRoot: base.treeRoot),
            BlockHeader.block(ledgerID: base.ledgerID!, height: 7, previousHash: [UInt8](repeating: 0x12, count: 32), time: time, treeSize: 12, treeRoot: base.treeRoot),
            BlockHeader.block(ledgerID: base.ledgerID!, height: 7, previousHash: base.previousHash!, time: Timestamp("2026-11-29T05:00:00.1Z")!, treeSize: 12, treeRoot: base.treeRoot),
            BlockHeader.block(ledgerID: base.ledgerID!, height: 7, previousHash: base.previousHash!, time: time, treeSize: 13, treeRoot: base.treeRoot),
            BlockHeader.block(ledgerID: base.ledgerID!, height: 7, previousHash: base.previousHash!, time: time, treeSize: 12, treeRoot: [UInt8](repeating: 0x23, count: 32)),
        ]
        XCTAssertEqual(Set(variants.map(\.hash) + [base.hash]).count, 7)
    }
}
