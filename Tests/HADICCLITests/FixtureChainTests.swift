import Foundation
import HADICCrypto
import XCTest

/// The East Java fixture chain through the built binary: init, append, verify, and every reader.
final class FixtureChainTests: HadicTestCase {
    /// The root signed after the 53 fixture events (docs/FORMATS.md, "Worked example").
    static let fixtureRoot = "RSJI3Gd5F7E9A64dPbZiij0Kp9c7c1QE6oK3nmb84oA="

    func testInitPrintsTheFixtureLedgerIDAndAnEmptyTree() throws {
        let dir = initFixtureLedger()
        XCTAssertEqual(Hadic.ledgerID.count, 64)
        let s = status(dir)
        XCTAssertEqual(s["ledger_id"] as? String, Hadic.ledgerID)
        XCTAssertEqual(s["origin"] as? String, Hadic.origin)
        XCTAssertEqual(s["height"] as? Int, 0)
        XCTAssertEqual(s["tree_size"] as? Int, 0)
        XCTAssertEqual(s["root"] as? String, Base64.encode(SHA256.hash([])), "the empty tree's root is SHA-256 of nothing")
        XCTAssertEqual(s["block_time"] as? String, Hadic.genesisTime)
        XCTAssertEqual(export(dir), "", "a new ledger exports nothing")
        let cp = hadic(["checkpoint", "--data", dir]).stdout
        XCTAssertTrue(cp.hasPrefix("\(Hadic.origin)\n0\n\(Base64.encode(SHA256.hash([])))\n\n— \(Hadic.origin) "), cp)
        hadic(["verify", "--data", dir, "--full"])
        // A second init on the same directory is refused and changes nothing.
        let again = hadic(["init", "--data", dir, "--name", Hadic.origin, "--time", Hadic.genesisTime,
                           "--sequencer-key", Hadic.key("sequencer.key"), "--admin-key", Hadic.key("hcms-admin.key.pub"),
                           "--admin-name", "hcms-admin"], exit: 2)
        XCTAssertEqual(again.stdout, "")
        XCTAssertEqual(status(dir)["ledger_id"] as? String, Hadic.ledgerID)
    }

    func testAppendPrintsTheFixtureEventIDsInOrder() throws {
        let dir = initFixtureLedger()
        let r = hadic(["append", "--data", dir, "--signed", Hadic.fixture("chain/events.jsonl")])
        XCTAssertEqual(r.lines.count, 53, r.summary)
        XCTAssertTrue(r.stdout.hasSuffix("\n"))
        let expected = Hadic.chainLines.map { Hadic.eventID(ofCanonicalEnvelope: $0) ?? "?" }
        XCTAssertEqual(expected.count, 53)
        XCTAssertEqual(r.lines, expected, "each printed id is SHA-256(hadic-event-v1\\n + envelope without sig), in input order")
        XCTAssertEqual(r.lines.first, "293bdffbaedaab17db7cb6ee0955e9455965a1731de2f642bfc08930c7ec5d33", "docs/FORMATS.md worked example")
        XCTAssertTrue(r.lines.allSatisfy(Hadic.isEventID), r.stdout)
        XCTAssertEqual(Set(r.lines).count, 53)
        XCTAssertTrue(r.stderr.contains("admitted 53, refused 0; height 1, tree size 53"), r.stderr)
    }

    func testFixtureLedgerVerifiesAndReportsItsState() throws {
        let dir = makeFixtureLedger()
        let full = hadic(["verify", "--data", dir, "--full"])
        XCTAssertTrue(full.stdout.hasPrefix("intact: 2 blocks, 53 events"), full.stdout)
        XCTAssertTrue(full.stdout.contains("53 signatures and admission rules replayed"), full.stdout)
        XCTAssertEqual(full.stderr, "")
        let quick = hadic(["verify", "--data", dir])
        XCTAssertTrue(quick.stdout.hasPrefix("intact: 2 blocks, 53 events"), quick.stdout)
        hadic(["verify", "--data", dir, "--full", "--trust", Hadic.key("sequencer.key.pub")])
        // Trusting another sequencer key fails, naming genesis.
        let wrong = hadic(["verify", "--data", dir, "--trust", Hadic.key("hcms-admin.key.pub")], exit: 1)
        XCTAssertTrue(wrong.stderr.contains("block 0"), wrong.stderr)

        let s = status(dir)
        XCTAssertEqual(s["tree_size"] as? Int, 53)
        XCTAssertEqual(s["height"] as? Int, 1)
        XCTAssertEqual(s["ledger_id"] as? String, Hadic.ledgerID)
        XCTAssertEqual(s["origin"] as? String, Hadic.origin)
        XCTAssertEqual(s["root"] as? String, Self.fixtureRoot)
        let leaves = Hadic.chainLines.map { Array($0.utf8) }
        XCTAssertEqual(s["root_hex"] as? String, Hex.encode(Hadic.merkleRoot(leaves)), "RFC 9162 root over the 53 leaves")
        let seqKey = try PublicKey(contentsOf: Hadic.key("sequencer.key.pub"))
        XCTAssertEqual(s["sequencer_key_id"] as? String, seqKey.keyID)
        XCTAssertEqual(s["sequencer_key"] as? String, Base64.encode(seqKey.spkiDER))
        let admins = s["admins"] as? [[String: Any]]
        XCTAssertEqual(admins?.count, 1)
        XCTAssertEqual(admins?.first?["party"] as? String, "hcms-admin")
        XCTAssertEqual(admins?.first?["key_id"] as? String, try PublicKey(contentsOf: Hadic.key("hcms-admin.key.pub")).keyID)

        let text = hadic(["status", "--data", dir]).stdout
        XCTAssertTrue(text.contains("tree size      53"), text)
        XCTAssertTrue(text.contains(Hadic.ledgerID), text)
    }

    func testExportPrintsTheCanonicalLeafBytes() throws {
        let dir = makeFixtureLedger()
        let out = export(dir)
        XCTAssertEqual(out, Hadic.fixtureText("chain/events.jsonl"), "export is exactly the canonical envelopes, one per line")
        XCTAssertEqual(out.split(separator: "\n").count, 53)
        // Re-appending the export to the same ledger stores nothing: every line is refused
        // (as a duplicate, or by a rule checked before it, e.g. a key retired since).
        let exported = try write(out, to: "export.jsonl")
        let again = hadic(["append", "--data", dir, "--signed", exported], exit: 1)
        XCTAssertEqual(again.lines.count, 53)
        XCTAssertTrue(again.lines.allSatisfy { $0.hasPrefix("refused rule ") }, again.stdout)
        XCTAssertEqual(again.lines.first, "refused rule duplicate: event 293bdffbaedaab17db7cb6ee0955e9455965a1731de2f642bfc08930c7ec5d33 is already in the ledger")
        XCTAssertTrue(again.stderr.contains("admitted 0, refused 53"), again.stderr)
        XCTAssertEqual(treeSize(dir), 53)
        XCTAssertEqual(status(dir)["height"] as? Int, 1, "refusals seal no block")
        XCTAssertEqual(export(dir), out)
    }

    func testCheckpointIsASignedNoteOverTheTree() throws {
        let dir = makeFixtureLedger()
        let cp = hadic(["checkpoint", "--data", dir]).stdout
        let lines = cp.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertGreaterThanOrEqual(lines.count, 6, cp)
        guard lines.count >= 6 else { return }
        XCTAssertEqual(lines[0], Hadic.origin)
        XCTAssertEqual(lines[1], "53")
        XCTAssertEqual(lines[2], Self.fixtureRoot)
        XCTAssertEqual(lines[3], "")
        XCTAssertTrue(lines[4].hasPrefix("— \(Hadic.origin) "), lines[4])
        XCTAssertEqual(lines.last, "", "a note ends with a newline")
        let note = try SignedNote(parsing: cp)
        XCTAssertEqual(note.text, "\(Hadic.origin)\n53\n\(Self.fixtureRoot)\n")
        let verifier = try NoteVerifier(name: Hadic.origin, publicKey: try PublicKey(contentsOf: Hadic.key("sequencer.key.pub")))
        XCTAssertNotNil(note.verifiedSignature(by: verifier), "the checkpoint is signed by the genesis sequencer key")
        XCTAssertEqual(Hex.encode(verifier.keyHash), "7690d318")
        let other = try NoteVerifier(name: Hadic.origin, publicKey: try PublicKey(contentsOf: Hadic.key("hcms-admin.key.pub")))
        XCTAssertNil(note.verifiedSignature(by: other))
    }

    func testBlockAndEventPrintJSON() throws {
        let dir = makeFixtureLedger()
        let ids = Hadic.chainLines.map { Hadic.eventID(ofCanonicalEnvelope: $0) ?? "?" }
        let s = status(dir)

        let genesis = Hadic.json(hadic(["block", "--data", dir, "0"]).stdout)
        XCTAssertEqual(genesis?["height"] as? Int, 0)
        XCTAssertEqual(genesis?["hash"] as? String, Hadic.ledgerID, "the ledger id is the genesis block hash")
        XCTAssertEqual((genesis?["events"] as? [String])?.count, 0)
        let gh = genesis?["header"] as? [String: Any]
        XCTAssertEqual(gh?["origin"] as? String, Hadic.origin)
        XCTAssertEqual(gh?["time"] as? String, Hadic.genesisTime)
        XCTAssertEqual(gh?["tree_size"] as? Int, 0)

        let block = Hadic.json(hadic(["block", "--data", dir, "1"]).stdout)
        XCTAssertNotNil(block)
        XCTAssertEqual(block?["height"] as? Int, 1)
        XCTAssertEqual(block?["first_index"] as? Int, 0)
        XCTAssertEqual(block?["events"] as? [String], ids)
        XCTAssertEqual(block?["checkpoint"] as? String, hadic(["checkpoint", "--data", dir]).stdout)
        XCTAssertTrue(Hadic.isEventID(block?["hash"] as? String ?? ""), "\(String(describing: block?["hash"]))")
        XCTAssertEqual(Base64.decode(block?["signature"] as? String ?? "")?.count, 64, "an Ed25519 signature")
        let header = block?["header"] as? [String: Any]
        XCTAssertEqual(header?["height"] as? Int, 1)
        XCTAssertEqual(header?["v"] as? Int, 1)
        XCTAssertEqual(header?["ledger"] as? String, Hadic.ledgerID)
        XCTAssertEqual(header?["prev"] as? String, Hadic.ledgerID, "block 1 links to genesis")
        XCTAssertEqual(header?["tree_size"] as? Int, 53)
        XCTAssertEqual(header?["tree_root"] as? String, s["root_hex"] as? String)
        XCTAssertEqual(header?["time"] as? String, s["block_time"] as? String)

        let missing = hadic(["block", "--data", dir, "2"], exit: 2)
        XCTAssertTrue(missing.stderr.contains("no block at height 2"), missing.stderr)

        for index in [0, 7, 50] {
            let r = hadic(["event", "--data", dir, ids[index]])
            let e = Hadic.json(r.stdout)
            XCTAssertEqual(e?["id"] as? String, ids[index])
            XCTAssertEqual(e?["index"] as? Int, index)
            XCTAssertEqual(e?["block"] as? Int, 1)
            let envelope = e?["event"] as? NSDictionary
            let original = Hadic.json(Hadic.chainLines[index]).map { NSDictionary(dictionary: $0) }
            XCTAssertNotNil(envelope)
            XCTAssertEqual(envelope, original, "event \(index) prints the stored envelope")
        }
        let unknown = hadic(["event", "--data", dir, String(repeating: "0", count: 64)], exit: 2)
        XCTAssertTrue(unknown.stderr.contains("no event"), unknown.stderr)
    }
}
