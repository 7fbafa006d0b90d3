import Foundation
import HADICCrypto
import XCTest

/// "Change one byte of any stored event, header, checkpoint or Merkle node in the SQLite file
/// (dropping the triggers first, as an attacker would) and `hadic verify --full` exits 1 naming it."
///
/// Each test tampers with its own copy of the fixture ledger, sealed in blocks of 20 events:
/// block 1 holds leaves 0-19, block 2 leaves 20-39, block 3 (the head) leaves 40-52.
final class TamperTests: HadicTestCase {
    private var base: String!
    private var copies = 0

    override func setUpWithError() throws {
        try super.setUpWithError()
        try SQL.requireTool()
        base = makeFixtureLedger("base", blockSize: 20)
        XCTAssertEqual(status(base)["height"] as? Int, 3)
    }

    /// A fresh copy of the base ledger.
    func copy() throws -> String {
        copies += 1
        return try copyLedger(base, to: "copy-\(copies)")
    }

    /// A fresh copy with the append-only triggers dropped and `sql` applied.
    func tampered(_ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let dir = try copy()
        let r = SQL.exec(db(dir), SQL.dropTriggers + "\n" + sql)
        XCTAssertEqual(r.status, 0, "tampering failed: \(r.summary)", file: file, line: line)
        return dir
    }

    /// `verify` (quick, and --full) exits 1 with one line on stderr naming every `mention`.
    func assertNotIntact(_ dir: String, quick: Bool = true, mentions: [String], _ what: String = "",
                         file: StaticString = #filePath, line: UInt = #line) {
        for full in quick ? [false, true] : [true] {
            let mode = full ? "verify --full" : "verify"
            let r = Hadic.run(["verify", "--data", dir] + (full ? ["--full"] : []))
            XCTAssertFalse(r.timedOut, r.summary, file: file, line: line)
            XCTAssertEqual(r.status, 1, "\(what): `\(mode)` must exit 1 (not intact): \(r.summary)", file: file, line: line)
            XCTAssertEqual(r.stdout, "", "\(what): \(mode)", file: file, line: line)
            XCTAssertEqual(r.stderrLines.count, 1, "\(what): \(mode) reports one line: \(r.stderr)", file: file, line: line)
            XCTAssertTrue(r.stderr.hasPrefix("hadic: NOT INTACT: "), "\(what): \(mode): \(r.stderr)", file: file, line: line)
            for m in mentions {
                XCTAssertTrue(r.stderr.contains(m), "\(what): `\(mode)` must name \"\(m)\"; stderr: \(r.stderr)", file: file, line: line)
            }
        }
    }

    func ids() -> [String] { Hadic.chainLines.map { Hadic.eventID(ofCanonicalEnvelope: $0) ?? "?" } }

    func hexColumn(_ dir: String, _ sql: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
        let rows = SQL.query(db(dir), sql, file: file, line: line)
        XCTAssertEqual(rows.count, 1, sql, file: file, line: line)
        return Hex.decode(rows.first?.lowercased() ?? "") ?? []
    }

    /// `bytes` with the byte at `i` replaced by a different byte of the same kind (letter,
    /// digit, or base64 character), so the JSON around it stays well-formed.
    static func flipped(_ bytes: [UInt8], at i: Int) -> [UInt8] {
        var b = bytes
        switch b[i] {
        case UInt8(ascii: "0")..<UInt8(ascii: "9"), UInt8(ascii: "a")..<UInt8(ascii: "z"), UInt8(ascii: "A")..<UInt8(ascii: "Z"): b[i] += 1
        case UInt8(ascii: "9"): b[i] = UInt8(ascii: "0")
        case UInt8(ascii: "z"): b[i] = UInt8(ascii: "a")
        case UInt8(ascii: "Z"): b[i] = UInt8(ascii: "A")
        default: b[i] ^= 0x01
        }
        return b
    }

    static func isAlphanumeric(_ c: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
    }

    static func offset(of needle: String, in bytes: [UInt8]) -> Int? {
        let n = Array(needle.utf8)
        guard n.count <= bytes.count else { return nil }
        for i in 0...(bytes.count - n.count) where Array(bytes[i..<(i + n.count)]) == n { return i }
        return nil
    }

    static func differingBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard a.count == b.count else { return Int.max }
        return zip(a, b).filter { $0 != $1 }.count
    }

    // MARK: Controls

    func testUntamperedCopiesVerify() throws {
        let plain = try copy()
        hadic(["verify", "--data", plain])
        hadic(["verify", "--data", plain, "--full"])
        let noTriggers = try tampered("")
        hadic(["verify", "--data", noTriggers])
        let r = hadic(["verify", "--data", noTriggers, "--full"])
        XCTAssertTrue(r.stdout.hasPrefix("intact: 4 blocks, 53 events"), r.stdout)
    }

    func testAppendOnlyTriggersRefuseUpdateAndDelete() throws {
        let dir = try copy()
        let before = SQL.dumpLedger(db(dir))
        XCTAssertEqual(before.count, 4 + 53)
        let attempts = [
            "UPDATE events SET leaf = X'00' WHERE leaf_index = 0",
            "UPDATE events SET actor = 'ghost' WHERE leaf_index = 5",
            "DELETE FROM events WHERE leaf_index = 50",
            "UPDATE blocks SET checkpoint = 'x' WHERE height = 1",
            "DELETE FROM blocks",
            "DELETE FROM blocks WHERE height = 3",
        ]
        for sql in attempts {
            let r = SQL.exec(db(dir), sql)
            XCTAssertNotEqual(r.status, 0, "`\(sql)` must fail: \(r.summary)")
            XCTAssertTrue(r.stderr.contains("append-only"), "`\(sql)`: \(r.stderr)")
        }
        XCTAssertEqual(SQL.dumpLedger(db(dir)), before, "the refused statements changed nothing")
        hadic(["verify", "--data", dir, "--full"])
        // Derived tables carry no triggers (reindex rewrites them).
        XCTAssertEqual(SQL.exec(db(dir), "UPDATE holdings SET amount = amount").status, 0)
    }

    // MARK: Events

    func testFlippedByteInAnEventLeafIsNamed() throws {
        let index = 30  // in block 2
        let leaf = Array(Hadic.chainLines[index].utf8)
        let bodyStart = try XCTUnwrap(Self.offset(of: "\"body\":{", in: leaf)) + 8
        let bodyEnd = try XCTUnwrap(Self.offset(of: "},\"key\":\"", in: leaf))
        var i = (bodyStart + bodyEnd) / 2
        while !Self.isAlphanumeric(leaf[i]) { i += 1 }
        XCTAssertLessThan(i, bodyEnd)
        let changed = Self.flipped(leaf, at: i)
        let dir = try tampered("UPDATE events SET leaf = X'\(Hex.encode(changed))' WHERE leaf_index = \(index);")
        let stored = hexColumn(dir, "SELECT hex(leaf) FROM events WHERE leaf_index = \(index)")
        XCTAssertEqual(Self.differingBytes(stored, leaf), 1, "exactly one byte of the stored leaf changed")
        assertNotIntact(dir, mentions: ["event \(ids()[index])", "index \(index)", "block 2"], "one byte of an event body")
    }

    /// A verification that fails early must still exit 1 every time: work started ahead on
    /// other threads (the next block being read and its signatures checked) must not crash
    /// the process on its way out.
    func testFailingVerificationExitsOneEveryTime() throws {
        for index in [5, 30] {
            let leaf = Array(Hadic.chainLines[index].utf8)
            let at = try XCTUnwrap(Self.offset(of: "\"v\":1", in: leaf)) + 4
            var changed = leaf
            changed[at] = UInt8(ascii: "2")
            let dir = try tampered("UPDATE events SET leaf = X'\(Hex.encode(changed))' WHERE leaf_index = \(index);")
            var outcomes: [String: Int] = [:]
            for _ in 0..<15 {
                for args in [["verify", "--data", dir, "--full"], ["verify", "--data", dir]] {
                    let r = Hadic.run(args)
                    let outcome = r.timedOut ? "timed out" : r.signaled ? "signal \(r.status)" : "exit \(r.status)"
                    outcomes["\(args.count == 4 ? "full" : "quick"): \(outcome)", default: 0] += 1
                    if r.status != 1 || r.signaled {
                        XCTAssertTrue(r.stderr.contains("NOT INTACT"), "the failure was found before: \(r.summary)")
                    }
                }
            }
            XCTAssertEqual(outcomes, ["full: exit 1": 15, "quick: exit 1": 15],
                           "tampered event \(index) (block \(index / 20 + 1)): every run of verify must exit 1, got \(outcomes)")
        }
    }

    func testSwappedEventLeavesAreNamed() throws {
        let a = 10, b = 11
        let leafA = Hex.encode(Array(Hadic.chainLines[a].utf8)), leafB = Hex.encode(Array(Hadic.chainLines[b].utf8))
        let dir = try tampered("""
            UPDATE events SET leaf = X'\(leafB)' WHERE leaf_index = \(a);
            UPDATE events SET leaf = X'\(leafA)' WHERE leaf_index = \(b);
            """)
        assertNotIntact(dir, mentions: ["event \(ids()[a])", "index \(a)", "block 1"], "two events' leaves swapped")
    }

    func testDeletedLastEventIsNamed() throws {
        let dir = try tampered("DELETE FROM events WHERE leaf_index = 52;")
        XCTAssertEqual(SQL.query(db(dir), "SELECT COUNT(*) FROM events"), ["52"])
        assertNotIntact(dir, mentions: ["block 3", "12 stored events", "13"], "the last event row deleted")
    }

    func testExtraEventRowOutsideAnyBlockIsNamed() throws {
        let dir = try tampered("""
            INSERT INTO events (leaf_index, id, block, type, actor, time, leaf)
              SELECT 53, X'\(String(repeating: "ab", count: 32))', 3, type, actor, time, leaf FROM events WHERE leaf_index = 52;
            """)
        assertNotIntact(dir, mentions: ["events table", "54"], "an event row no block commits to")
    }

    func testChangedEventIDIsNamedByFullVerify() throws {
        let index = 30
        var id = Hex.decode(ids()[index]) ?? []
        id[0] ^= 0x01
        let dir = try tampered("UPDATE events SET id = X'\(Hex.encode(id))' WHERE leaf_index = \(index);")
        // The id column is an index into the leaf; --full recomputes it (docs/STORAGE.md).
        assertNotIntact(dir, quick: false, mentions: ["event \(Hex.encode(id))", "index \(index)", "block 2", ids()[index]],
                        "events.id changed")
    }

    func testChangedEventColumnIsNamedByFullVerify() throws {
        let dir = try tampered("UPDATE events SET actor = 'ghost' WHERE leaf_index = 5;")
        assertNotIntact(dir, quick: false, mentions: ["event \(ids()[5])", "index 5", "block 1"], "events.actor changed")
    }

    // MARK: Blocks

    /// One byte of a header changed so that it still parses: a digit of the genesis time, or
    /// a hex digit of a block's tree root.
    func testFlippedByteInABlockHeaderIsNamed() throws {
        for height in 0...3 {
            let dir = try copy()
            let header = hexColumn(dir, "SELECT hex(header) FROM blocks WHERE height = \(height)")
            let field = height == 0 ? "\"time\":\"2026-10-01T00:00:0" : "\"tree_root\":\""
            let at = try XCTUnwrap(Self.offset(of: field, in: header), "height \(height)") + field.utf8.count + (height == 0 ? 0 : 10)
            // A digit stays a digit: '0' becomes '1', any other becomes '0'.
            var changed = header
            changed[at] = header[at] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            XCTAssertEqual(Self.differingBytes(changed, header), 1)
            let r = SQL.exec(db(dir), SQL.dropTriggers + "UPDATE blocks SET header = X'\(Hex.encode(changed))' WHERE height = \(height);")
            XCTAssertEqual(r.status, 0, r.summary)
            assertNotIntact(dir, mentions: ["block \(height)"], "one byte of the header of block \(height)")
        }
    }

    /// One byte of a header changed so that it no longer parses (`"height":` becomes
    /// `"height"=`), in genesis, a middle block and the head.
    func testUnparseableBlockHeaderIsNamed() throws {
        for height in [2, 3, 0] {
            let dir = try copy()
            let header = hexColumn(dir, "SELECT hex(header) FROM blocks WHERE height = \(height)")
            let at = try XCTUnwrap(Self.offset(of: "\"height\":", in: header)) + 8
            var changed = header
            changed[at] = UInt8(ascii: "=")
            let r = SQL.exec(db(dir), SQL.dropTriggers + "UPDATE blocks SET header = X'\(Hex.encode(changed))' WHERE height = \(height);")
            XCTAssertEqual(r.status, 0, r.summary)
            assertNotIntact(dir, mentions: ["block \(height)"], "unparseable header of block \(height)")
        }
    }

    func testFlippedByteInABlockSignatureIsNamed() throws {
        let dir = try copy()
        var signature = hexColumn(dir, "SELECT hex(signature) FROM blocks WHERE height = 2")
        XCTAssertEqual(signature.count, 64)
        guard signature.count == 64 else { return }
        signature[31] ^= 0x01
        XCTAssertEqual(SQL.exec(db(dir), SQL.dropTriggers + "UPDATE blocks SET signature = X'\(Hex.encode(signature))' WHERE height = 2;").status, 0)
        assertNotIntact(dir, mentions: ["block 2", "signature"], "one byte of the header signature of block 2")
    }

    /// `blocks.hash` is the block hash, recomputable from the stored header: a verifier that
    /// trusts nothing it can recompute must notice a changed one.
    func testChangedBlockHashColumnIsNamed() throws {
        let dir = try copy()
        var hash = hexColumn(dir, "SELECT hex(hash) FROM blocks WHERE height = 2")
        XCTAssertEqual(hash.count, 32)
        guard hash.count == 32 else { return }
        hash[0] ^= 0x01
        XCTAssertEqual(SQL.exec(db(dir), SQL.dropTriggers + "UPDATE blocks SET hash = X'\(Hex.encode(hash))' WHERE height = 2;").status, 0)
        assertNotIntact(dir, quick: false, mentions: ["block 2"], "one byte of blocks.hash of block 2")
    }

    func testDeletedHeadBlockIsNamed() throws {
        let dir = try tampered("DELETE FROM blocks WHERE height = 3;")
        assertNotIntact(dir, mentions: ["events table", "block (2)"], "the head block row deleted, its events kept")
    }

    func testEventMovedToAnotherBlockIsNamed() throws {
        let dir = try tampered("UPDATE events SET block = 2 WHERE leaf_index = 10;")
        assertNotIntact(dir, mentions: ["event \(ids()[10])", "index 10", "block 1"], "events.block changed")
    }

    func testChangedCheckpointRootIsNamed() throws {
        for height in [0, 2, 3] {
            let dir = try copy()
            let text = Array(String(decoding: hexColumn(dir, "SELECT hex(checkpoint) FROM blocks WHERE height = \(height)"), as: UTF8.self).utf8)
            // The third line is the base64 root: change one character in its middle.
            let newlines = text.indices.filter { text[$0] == 0x0A }
            XCTAssertGreaterThanOrEqual(newlines.count, 3)
            var at = newlines[1] + 1 + (newlines[2] - newlines[1]) / 2
            while !Self.isAlphanumeric(text[at]) { at += 1 }
            XCTAssertLessThan(at, newlines[2])
            let changed = Self.flipped(text, at: at)
            let r = SQL.exec(db(dir), SQL.dropTriggers + "UPDATE blocks SET checkpoint = CAST(X'\(Hex.encode(changed))' AS TEXT) WHERE height = \(height);")
            XCTAssertEqual(r.status, 0, r.summary)
            let stored = SQL.query(db(dir), "SELECT hex(checkpoint) FROM blocks WHERE height = \(height)").first ?? ""
            XCTAssertEqual(stored, Hex.encode(changed).uppercased(), "the checkpoint text was changed in place")
            assertNotIntact(dir, mentions: ["checkpoint of block \(height)"], "one character of the root in the checkpoint of block \(height)")
        }
    }

    // MARK: Merkle nodes and derived tables

    func testChangedMerkleNodeIsNamed() throws {
        for (level, position) in [(2, 3), (0, 7), (5, 0)] {
            let dir = try copy()
            var hash = hexColumn(dir, "SELECT hex(hash) FROM merkle_nodes WHERE level = \(level) AND position = \(position)")
            XCTAssertEqual(hash.count, 32)
            guard hash.count == 32 else { continue }
            hash[16] ^= 0x01
            let r = SQL.exec(db(dir), "UPDATE merkle_nodes SET hash = X'\(Hex.encode(hash))' WHERE level = \(level) AND position = \(position);")
            XCTAssertEqual(r.status, 0, r.summary)
            assertNotIntact(dir, mentions: ["Merkle node level \(level) index \(position)"], "one byte of a stored Merkle node")
        }
        let dir = try tampered("DELETE FROM merkle_nodes WHERE level = 1 AND position = 4;")
        assertNotIntact(dir, mentions: ["Merkle nodes", "missing"], "a stored Merkle node deleted")
    }

    func testChangedHoldingIsNamedByFullVerify() throws {
        let dir = try copy()
        let row = SQL.query(db(dir), "SELECT lot, holder FROM holdings WHERE amount > 0 ORDER BY lot, holder LIMIT 1").first ?? ""
        let parts = row.split(separator: "|").map(String.init)
        XCTAssertEqual(parts.count, 2, row)
        guard parts.count == 2 else { return }
        let r = SQL.exec(db(dir), "UPDATE holdings SET amount = amount + 1 WHERE lot = '\(parts[0])' AND holder = '\(parts[1])';")
        XCTAssertEqual(r.status, 0, r.summary)
        assertNotIntact(dir, quick: false, mentions: ["holdings", "\(parts[0])@\(parts[1])"], "holdings.amount + 1")
    }

    func testChangedPartyRoleIsNamedByFullVerify() throws {
        let dir = try copy()
        XCTAssertEqual(SQL.query(db(dir), "SELECT role FROM parties WHERE id = 'dingin-logistik'"), ["logistics"])
        let r = SQL.exec(db(dir), "UPDATE parties SET role = 'producer' WHERE id = 'dingin-logistik';")
        XCTAssertEqual(r.status, 0, r.summary)
        assertNotIntact(dir, quick: false, mentions: ["parties", "dingin-logistik"], "parties.role changed")
    }
}
