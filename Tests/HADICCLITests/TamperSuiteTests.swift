import Foundation
import HADICCrypto
import XCTest

/// Issue 6's tamper and fault suite: on a ledger of 10,053 events, `hadic audit --data` finds
/// each kind of tampering and names, in its JSON report, the block or event and the check (or
/// admission rule) that caught it.
///
/// The ledger is built once per run (the fixture chain, then 10,000 `lot.create` events signed
/// by rph-sidoarjo) and copied per case; tampering drops the append-only triggers first, as an
/// attacker with the file would. Blocks: 1 holds the fixture chain (leaves 0-52); 2-11 hold
/// 1,000 events each (block b: leaves 53 + 1000·(b-2) ..< 53 + 1000·(b-1)); 11 is the head.
///
/// "Truncated last block" means the tail of the file's event rows was lost: the head block's
/// events are gone while its signed header remains (and, as a second case, the head block's row
/// is gone while its events remain).
final class TamperSuiteTests: HadicTestCase {
    static let extraEvents = 10_000
    static let chainEvents = 53
    static let totalEvents = chainEvents + extraEvents
    static let head = 11
    /// A leaf in block 6 (leaves 4053-5052), the block most cases tamper with.
    static let leaf = 5_000
    static let leafBlock = 6

    /// The pristine ledger, built by the first test that needs it, in a directory of its own
    /// (each test's scratch directory is removed after it); removed when the class is done.
    nonisolated(unsafe) private static var pristine: String?
    nonisolated(unsafe) private static var pristineRoot: URL?
    private var copies = 0

    override class func tearDown() {
        if let root = pristineRoot { try? FileManager.default.removeItem(at: root) }
        pristine = nil
        pristineRoot = nil
        super.tearDown()
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        try SQL.requireTool()
        if Self.pristine == nil { try buildPristine() }
    }

    private func buildPristine() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hadic-tamper-suite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        Self.pristineRoot = root
        let built = makeFixtureLedger("pristine", blockSize: Self.chainEvents)
        let templates = (0..<Self.extraEvents).map { Self.lotCreateTemplate("rph-sidoarjo/tamper-\($0)") }
        let signed = sign(templates, key: "rph-sidoarjo.key", actor: "rph-sidoarjo")
        let file = try write(signed.joined(separator: "\n") + "\n", to: "extra.jsonl")
        let r = expect(Hadic.run(["append", "--data", built, "--signed", file, "--block-size", "1000"], timeout: 300), exit: 0)
        XCTAssertEqual(r.lines.count, Self.extraEvents)
        let target = root.appendingPathComponent("data").path
        try FileManager.default.copyItem(atPath: built, toPath: target)
        Self.pristine = target
        let s = status(target)
        XCTAssertEqual(s["height"] as? Int, Self.head)
        XCTAssertEqual(s["tree_size"] as? Int, Self.totalEvents)
    }

    private func copy() throws -> String {
        copies += 1
        return try copyLedger(try XCTUnwrap(Self.pristine), to: "copy-\(copies)")
    }

    private func tampered(_ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let dir = try copy()
        let r = SQL.exec(db(dir), SQL.dropTriggers + "\n" + sql)
        XCTAssertEqual(r.status, 0, "tampering failed: \(r.summary)", file: file, line: line)
        return dir
    }

    /// `hadic audit --data DIR --json`: exit 1, the report not intact; its failures.
    private func failures(_ dir: String, file: StaticString = #filePath, line: UInt = #line) -> [[String: Any]] {
        let r = Hadic.run(["audit", "--data", dir, "--json"], timeout: 300)
        XCTAssertEqual(r.status, 1, "audit must find the tampering: \(r.summary)", file: file, line: line)
        let report = Hadic.json(r.stdout) ?? [:]
        XCTAssertEqual(report["intact"] as? Bool, false, r.stdout, file: file, line: line)
        let audit = (report["audits"] as? [[String: Any]])?.first ?? [:]
        XCTAssertEqual(audit["intact"] as? Bool, false, file: file, line: line)
        let found = audit["failures"] as? [[String: Any]] ?? []
        XCTAssertFalse(found.isEmpty, "the report must list the failure: \(r.stdout)", file: file, line: line)
        return found
    }

    /// The first failure of `check` in `found`, failing the test when there is none.
    private func failure(_ check: String, in found: [[String: Any]], file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try XCTUnwrap(found.first { $0["check"] as? String == check }, "no `\(check)` failure in \(found)", file: file, line: line)
    }

    private func hexColumn(_ dir: String, _ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        let row = try XCTUnwrap(SQL.query(db(dir), sql, file: file, line: line).first, sql, file: file, line: line)
        return try XCTUnwrap(Hex.decode(row.lowercased()), sql, file: file, line: line)
    }

    private func eventID(_ dir: String, _ leaf: Int) throws -> String {
        Hex.encode(try hexColumn(dir, "SELECT hex(id) FROM events WHERE leaf_index = \(leaf)"))
    }

    private func lot(_ leaf: Int) -> String { "rph-sidoarjo/tamper-\(leaf - Self.chainEvents)" }

    // MARK: Control

    func testPristineCopyAuditsIntact() throws {
        let dir = try tampered("")
        let r = Hadic.run(["audit", "--data", dir, "--json"], timeout: 300)
        XCTAssertEqual(r.status, 0, r.summary)
        let audit = (Hadic.json(r.stdout)?["audits"] as? [[String: Any]])?.first ?? [:]
        XCTAssertEqual(audit["intact"] as? Bool, true, r.stdout)
        XCTAssertEqual(audit["events"] as? Int, Self.totalEvents)
        XCTAssertEqual(audit["signatures"] as? Int, Self.totalEvents)
        XCTAssertEqual(audit["blocks"] as? Int, Self.head + 1)
    }

    // MARK: A flipped byte in each stored kind of record

    func testFlippedByteInAnEventLeaf() throws {
        let dir = try copy()
        let leaf = try hexColumn(dir, "SELECT hex(leaf) FROM events WHERE leaf_index = \(Self.leaf)")
        let at = try XCTUnwrap(TamperTests.offset(of: "\"product\":\"", in: leaf)) + 11
        let changed = TamperTests.flipped(leaf, at: at)
        XCTAssertEqual(TamperTests.differingBytes(leaf, changed), 1)
        XCTAssertEqual(SQL.exec(db(dir), SQL.dropTriggers + "UPDATE events SET leaf = X'\(Hex.encode(changed))' WHERE leaf_index = \(Self.leaf);").status, 0)
        let found = failures(dir)
        let f = try failure("event-leaf", in: found)
        XCTAssertEqual(f["leaf_index"] as? Int, Self.leaf)
        XCTAssertEqual(f["event_id"] as? String, try eventID(dir, Self.leaf))
        XCTAssertEqual(f["block"] as? Int, Self.leafBlock)
        XCTAssertEqual(found.filter { $0["check"] as? String == "event-leaf" }.count, 1, "only the changed event is named: \(found)")
        XCTAssertEqual(found.last?["check"] as? String, "merkle-root")
        XCTAssertEqual(found.last?["block"] as? Int, Self.leafBlock)
    }

    func testFlippedByteInABlockHeader() throws {
        let dir = try copy()
        let header = try hexColumn(dir, "SELECT hex(header) FROM blocks WHERE height = \(Self.leafBlock)")
        let at = try XCTUnwrap(TamperTests.offset(of: "\"tree_root\":\"", in: header)) + 13
        let changed = TamperTests.flipped(header, at: at)
        XCTAssertEqual(SQL.exec(db(dir), SQL.dropTriggers + "UPDATE blocks SET header = X'\(Hex.encode(changed))' WHERE height = \(Self.leafBlock);").status, 0)
        let found = failures(dir)
        XCTAssertEqual(found.first?["block"] as? Int, Self.leafBlock, "\(found)")
        XCTAssertTrue(["block-header", "header-signature"].contains(found.first?["check"] as? String ?? ""), "\(found)")
        XCTAssertNil(found.first { ($0["block"] as? Int).map { $0 < Self.leafBlock } ?? false }, "no earlier block is blamed: \(found)")
    }

    func testFlippedByteInACheckpoint() throws {
        let dir = try copy()
        let note = try hexColumn(dir, "SELECT hex(checkpoint) FROM blocks WHERE height = \(Self.leafBlock)")
        // The first character of the root's base64 (third line of the note text).
        let lines = note.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        XCTAssertGreaterThan(lines.count, 3)
        let at = lines[0].count + 1 + lines[1].count + 1
        let changed = TamperTests.flipped(note, at: at)
        XCTAssertEqual(TamperTests.differingBytes(note, changed), 1)
        XCTAssertEqual(SQL.exec(db(dir), SQL.dropTriggers + "UPDATE blocks SET checkpoint = CAST(X'\(Hex.encode(changed))' AS TEXT) WHERE height = \(Self.leafBlock);").status, 0)
        let found = failures(dir)
        XCTAssertEqual(found.count, 1, "the checkpoint is all that changed: \(found)")
        let f = try failure("checkpoint", in: found)
        XCTAssertEqual(f["block"] as? Int, Self.leafBlock)
    }

    func testFlippedByteInAnInteriorMerkleNode() throws {
        // Level 4, index 300: the node over leaves 4800-4815.
        let dir = try copy()
        var hash = try hexColumn(dir, "SELECT hex(hash) FROM merkle_nodes WHERE level = 4 AND position = 300")
        XCTAssertEqual(hash.count, 32)
        hash[17] ^= 0x01
        XCTAssertEqual(SQL.exec(db(dir), "UPDATE merkle_nodes SET hash = X'\(Hex.encode(hash))' WHERE level = 4 AND position = 300;").status, 0)
        let found = failures(dir)
        XCTAssertEqual(found.count, 1, "\(found)")
        let f = try failure("merkle-node", in: found)
        XCTAssertTrue((f["location"] as? String ?? "").contains("level 4 index 300"), "\(f)")
    }

    func testFlippedByteInAStoredLeafHash() throws {
        let dir = try copy()
        var hash = try hexColumn(dir, "SELECT hex(hash) FROM merkle_nodes WHERE level = 0 AND position = \(Self.leaf)")
        hash[0] ^= 0x80
        XCTAssertEqual(SQL.exec(db(dir), "UPDATE merkle_nodes SET hash = X'\(Hex.encode(hash))' WHERE level = 0 AND position = \(Self.leaf);").status, 0)
        let f = try failure("merkle-node", in: failures(dir))
        XCTAssertEqual(f["leaf_index"] as? Int, Self.leaf)
    }

    func testFlippedByteInAProvenanceIndexRow() throws {
        // The amount written for the lot made at leaf 5000: "10" becomes "11".
        let lot = lot(Self.leaf)
        let dir = try tampered("UPDATE lot_events SET amount = '11' WHERE lot = '\(lot)' AND leaf_index = \(Self.leaf) AND role = 'created';")
        let found = failures(dir)
        XCTAssertEqual(found.count, 1, "\(found)")
        let f = try failure("derived-table", in: found)
        XCTAssertTrue((f["location"] as? String ?? "").contains("lot_events"), "\(f)")
        XCTAssertTrue((f["problem"] as? String ?? "").contains("\(lot) @\(Self.leaf) created"), "the row's lot and event are named: \(f)")
    }

    func testFlippedByteInALotRow() throws {
        let lot = lot(Self.leaf)
        let dir = try tampered("UPDATE lots SET product = 'y' WHERE id = '\(lot)';")
        let f = try failure("derived-table", in: failures(dir))
        XCTAssertTrue((f["location"] as? String ?? "").contains("derived table lots"), "\(f)")
        XCTAssertTrue((f["problem"] as? String ?? "").contains(lot), "\(f)")
    }

    func testFlippedByteInAHoldingRow() throws {
        let lot = lot(Self.leaf)
        let dir = try tampered("UPDATE holdings SET amount = amount + 1 WHERE lot = '\(lot)';")
        let f = try failure("derived-table", in: failures(dir))
        XCTAssertTrue((f["location"] as? String ?? "").contains("derived table holdings"), "\(f)")
        XCTAssertTrue((f["problem"] as? String ?? "").contains("\(lot)@rph-sidoarjo"), "\(f)")
    }

    // MARK: Events deleted, swapped, truncated

    func testDeletedEvent() throws {
        let dir = try tampered("DELETE FROM events WHERE leaf_index = \(Self.leaf);")
        let f = try XCTUnwrap(failures(dir).first)
        XCTAssertEqual(f["check"] as? String, "event-count")
        XCTAssertEqual(f["block"] as? Int, Self.leafBlock)
        XCTAssertTrue((f["problem"] as? String ?? "").contains("holds 999 stored events, its header commits to 1000"), "\(f)")
    }

    func testSwappedEvents() throws {
        let a = Self.leaf, b = Self.leaf + 7
        let dir = try copy()
        let ids = (try eventID(dir, a), try eventID(dir, b))
        let leaves = (try hexColumn(dir, "SELECT hex(leaf) FROM events WHERE leaf_index = \(a)"),
                      try hexColumn(dir, "SELECT hex(leaf) FROM events WHERE leaf_index = \(b)"))
        XCTAssertNotEqual(leaves.0, leaves.1)
        // Literal bytes, not subqueries: SQLite updates row by row, so a subquery reading the
        // other row would see it already changed.
        XCTAssertEqual(SQL.exec(db(dir), SQL.dropTriggers + """
            UPDATE events SET leaf = X'\(Hex.encode(leaves.1))' WHERE leaf_index = \(a);
            UPDATE events SET leaf = X'\(Hex.encode(leaves.0))' WHERE leaf_index = \(b);
            """).status, 0)
        XCTAssertEqual(try hexColumn(dir, "SELECT hex(leaf) FROM events WHERE leaf_index = \(a)"), leaves.1, "swapped")
        XCTAssertEqual(try hexColumn(dir, "SELECT hex(leaf) FROM events WHERE leaf_index = \(b)"), leaves.0, "swapped")
        let found = failures(dir)
        let named = found.filter { $0["check"] as? String == "event-leaf" }
        XCTAssertEqual(named.map { $0["leaf_index"] as? Int }, [a, b], "\(found)")
        XCTAssertEqual(named.map { $0["event_id"] as? String }, [ids.0, ids.1])
        XCTAssertEqual(named.map { $0["block"] as? Int }, [Self.leafBlock, Self.leafBlock])
        XCTAssertEqual(found.last?["check"] as? String, "merkle-root")
    }

    func testTruncatedLastBlockLosesItsEvents() throws {
        let first = Self.totalEvents - 1000
        let dir = try tampered("DELETE FROM events WHERE leaf_index >= \(first);")
        let found = failures(dir)
        let f = try XCTUnwrap(found.first)
        XCTAssertEqual(f["check"] as? String, "event-count")
        XCTAssertEqual(f["block"] as? Int, Self.head)
        XCTAssertTrue((f["problem"] as? String ?? "").contains("holds 0 stored events, its header commits to 1000"), "\(f)")
    }

    func testTruncatedLastBlockLosesItsHeader() throws {
        let dir = try tampered("DELETE FROM blocks WHERE height = \(Self.head);")
        let found = failures(dir)
        // The events the missing block held are outside every block: the first is named.
        let f = try failure("events-table", in: found)
        XCTAssertEqual(f["leaf_index"] as? Int, Self.totalEvents - 1000)
        XCTAssertEqual(f["event_id"] as? String, try eventID(dir, Self.totalEvents - 1000))
        XCTAssertEqual(f["block"] as? Int, Self.head)
        XCTAssertTrue((f["problem"] as? String ?? "").contains("\(Self.totalEvents) events"), "\(f)")
    }

    // MARK: Signatures

    func testBlockResignedByAnotherKey() throws {
        // A correct header signature and checkpoint note, both by the admin's Ed25519 key.
        let dir = try copy()
        let other = try PrivateKey(contentsOf: Hadic.key("hcms-admin.key"))
        let header = try hexColumn(dir, "SELECT hex(header) FROM blocks WHERE height = \(Self.leafBlock)")
        let signature = try other.sign(Array("hadic-block-v1\n".utf8) + header)
        let stored = try SignedNote(parsing: try hexColumn(dir, "SELECT hex(checkpoint) FROM blocks WHERE height = \(Self.leafBlock)"))
        let note = try SignedNote.sign(text: stored.text, by: [try NoteSigner(name: Hadic.origin, privateKey: other)])
        XCTAssertNotEqual(note.serialized, stored.serialized)
        XCTAssertEqual(SQL.exec(db(dir), SQL.dropTriggers + """
            UPDATE blocks SET signature = X'\(Hex.encode(signature))', checkpoint = CAST(X'\(Hex.encode(Array(note.serialized.utf8)))' AS TEXT)
            WHERE height = \(Self.leafBlock);
            """).status, 0)
        let found = failures(dir)
        XCTAssertEqual(found.map { $0["check"] as? String }, ["header-signature", "checkpoint"], "\(found)")
        XCTAssertEqual(found.map { $0["block"] as? Int }, [Self.leafBlock, Self.leafBlock])
    }

    /// A validly signed event by a party revoked earlier in the ledger, sealed into a correctly
    /// signed block with its Merkle nodes: the sequencer was made to admit it by clearing the
    /// revocation from its derived state, which is then put back. Only the replay of the
    /// admission rules can tell.
    func testEventOfARevokedActor() throws {
        let dir = try copy()
        let revokedBy = try XCTUnwrap(SQL.query(db(dir), "SELECT revoked_by FROM parties WHERE id = 'umkm-kerupuk'").first)
        XCTAssertEqual(revokedBy.count, 64, "the fixture chain revokes umkm-kerupuk at leaf 17")
        let event = sign([Self.lotCreateTemplate("umkm-kerupuk/after-revocation")], key: "umkm-kerupuk.key", actor: "umkm-kerupuk")
        let file = try write(event.joined(separator: "\n") + "\n", to: "revoked.jsonl")
        // Refused as it should be, on an untampered copy.
        let refused = Hadic.run(["append", "--data", try copy(), "--signed", file])
        XCTAssertTrue(refused.stdout.contains("revoked-actor") || refused.stderr.contains("revoked-actor"), refused.summary)

        XCTAssertEqual(SQL.exec(db(dir), "UPDATE parties SET revoked_by = NULL WHERE id = 'umkm-kerupuk';").status, 0)
        let admitted = hadic(["append", "--data", dir, "--signed", file])
        let id = try XCTUnwrap(admitted.lines.first)
        XCTAssertTrue(Hadic.isEventID(id), admitted.summary)
        XCTAssertEqual(SQL.exec(db(dir), "UPDATE parties SET revoked_by = '\(revokedBy)' WHERE id = 'umkm-kerupuk';").status, 0)

        // The chain, tree, signatures and stored nodes are all in order...
        let quick = Hadic.run(["audit", "--data", dir, "--quick", "--json"], timeout: 300)
        XCTAssertEqual(quick.status, 0, quick.summary)
        // ...and the full audit names the event and the rule.
        let found = failures(dir)
        XCTAssertEqual(found.count, 1, "\(found)")
        let f = try failure("admission", in: found)
        XCTAssertEqual(f["rule"] as? String, "revoked-actor")
        XCTAssertEqual(f["event_id"] as? String, id)
        XCTAssertEqual(f["leaf_index"] as? Int, Self.totalEvents)
        XCTAssertEqual(f["block"] as? Int, Self.head + 1)
    }
}
