import Foundation
import HADICCrypto
import XCTest

/// `hadic audit` through the real binaries on real SQLite files: an intact ledger's report and
/// counts, tamperings named by block or event (triggers dropped first, as an attacker would),
/// `--since` auditing only what is new and refusing another history, and nodes audited and
/// compared over the peer protocol.
///
/// The base ledger is the fixture chain in blocks of 20: block 1 holds leaves 0-19, block 2
/// leaves 20-39, block 3 (the head) leaves 40-52.
final class AuditTests: HadicTestCase {
    private var base: String!
    private var copies = 0

    override func setUpWithError() throws {
        try super.setUpWithError()
        try SQL.requireTool()
        base = makeFixtureLedger("base", blockSize: 20)
    }

    private func copy() throws -> String {
        copies += 1
        return try copyLedger(base, to: "copy-\(copies)")
    }

    private func tampered(_ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let dir = try copy()
        let r = SQL.exec(db(dir), SQL.dropTriggers + "\n" + sql)
        XCTAssertEqual(r.status, 0, "tampering failed: \(r.summary)", file: file, line: line)
        return dir
    }

    /// `hadic audit ... --json`: its exit status and the one audit of the report.
    private func audit(_ args: [String], exit status: Int32, file: StaticString = #filePath, line: UInt = #line) -> (report: [String: Any], audit: [String: Any]) {
        let r = Hadic.run(["audit"] + args + ["--json"])
        XCTAssertEqual(r.status, status, "audit \(args): \(r.summary)", file: file, line: line)
        let report = Hadic.json(r.stdout) ?? [:]
        let audits = report["audits"] as? [[String: Any]] ?? []
        XCTAssertGreaterThanOrEqual(audits.count, 1, r.stdout, file: file, line: line)
        return (report, audits.first ?? [:])
    }

    private func failures(_ audit: [String: Any]) -> [[String: Any]] { audit["failures"] as? [[String: Any]] ?? [] }

    private func ids() -> [String] { Hadic.chainLines.map { Hadic.eventID(ofCanonicalEnvelope: $0) ?? "?" } }

    private func flippedLeaf(_ index: Int) throws -> String {
        let leaf = Array(Hadic.chainLines[index].utf8)
        let bodyStart = try XCTUnwrap(TamperTests.offset(of: "\"body\":{", in: leaf)) + 8
        var i = bodyStart + 4
        while !TamperTests.isAlphanumeric(leaf[i]) { i += 1 }
        return "UPDATE events SET leaf = X'\(Hex.encode(TamperTests.flipped(leaf, at: i)))' WHERE leaf_index = \(index);"
    }

    // MARK: A whole ledger

    func testIntactLedgerAuditsCleanWithTheRightCounts() throws {
        let (report, a) = audit(["--data", base], exit: 0)
        XCTAssertEqual(report["format"] as? String, "hadic-audit/v1")
        XCTAssertEqual(report["intact"] as? Bool, true)
        XCTAssertEqual(a["intact"] as? Bool, true)
        XCTAssertEqual(a["mode"] as? String, "full")
        XCTAssertEqual(a["blocks"] as? Int, 4)
        XCTAssertEqual(a["events"] as? Int, 53)
        XCTAssertEqual(a["signatures"] as? Int, 53)
        XCTAssertEqual(a["parties"] as? Int, 11)
        XCTAssertEqual(a["certificates"] as? Int, 7)
        XCTAssertEqual(a["tree_size"] as? Int, 53)
        XCTAssertEqual(a["ledger_id"] as? String, Hadic.ledgerID)
        XCTAssertNotNil(a["seconds"] as? Double ?? (a["seconds"] as? Int).map(Double.init))
        XCTAssertEqual(failures(a).count, 0)
        let text = hadic(["audit", "--data", base])
        XCTAssertTrue(text.stdout.hasPrefix("audit of data \(base!): INTACT"), text.stdout)
        XCTAssertTrue(text.stdout.contains("53 checked, 53 signatures"), text.stdout)
    }

    func testFlippedByteInAnEventLeafNamesTheEvent() throws {
        let dir = try tampered(try flippedLeaf(30))
        let (_, a) = audit(["--data", dir], exit: 1)
        let f = try XCTUnwrap(failures(a).first)
        XCTAssertEqual(f["check"] as? String, "event-leaf")
        XCTAssertEqual(f["leaf_index"] as? Int, 30)
        XCTAssertEqual(f["event_id"] as? String, ids()[30])
        XCTAssertEqual(f["block"] as? Int, 2)
        XCTAssertEqual(failures(a).last?["check"] as? String, "merkle-root", "the block's root no longer matches: the audit stops there")
    }

    func testFlippedByteInABlockHeaderNamesTheBlock() throws {
        let dir = try copy()
        let header = Array((SQL.query(db(dir), "SELECT hex(header) FROM blocks WHERE height = 2").first.flatMap { Hex.decode($0.lowercased()) }) ?? [])
        let at = try XCTUnwrap(TamperTests.offset(of: "\"tree_root\":\"", in: header)) + 23
        var changed = header
        changed[at] = header[at] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        XCTAssertEqual(SQL.exec(db(dir), SQL.dropTriggers + "UPDATE blocks SET header = X'\(Hex.encode(changed))' WHERE height = 2;").status, 0)
        let (_, a) = audit(["--data", dir], exit: 1)
        let found = failures(a)
        XCTAssertEqual(found.first?["block"] as? Int, 2, "\(found)")
        XCTAssertTrue(["block-header", "header-signature"].contains(found.first?["check"] as? String ?? ""), "\(found)")
    }

    func testChangedMerkleNodeIsNamed() throws {
        let dir = try tampered("UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 0 AND position = 7;")
        let (_, a) = audit(["--data", dir], exit: 1)
        let f = try XCTUnwrap(failures(a).first, "\(a)")
        XCTAssertEqual(f["check"] as? String, "merkle-node")
        XCTAssertEqual(f["leaf_index"] as? Int, 7)
        XCTAssertTrue((f["location"] as? String ?? "").contains("level 0 index 7"), "\(f)")
    }

    func testDeletedEventNamesItsBlock() throws {
        let dir = try tampered("DELETE FROM events WHERE leaf_index = 45;")
        let (_, a) = audit(["--data", dir], exit: 1)
        let f = try XCTUnwrap(failures(a).first)
        XCTAssertEqual(f["check"] as? String, "event-count")
        XCTAssertEqual(f["block"] as? Int, 3)
        XCTAssertTrue((f["problem"] as? String ?? "").contains("12 stored events"), "\(f)")
    }

    /// Unlike `verify`, the audit goes on past a failure that leaves the rest checkable.
    func testEveryBadSignatureIsReportedNotOnlyTheFirst() throws {
        let dir = try copy()
        var sql = SQL.dropTriggers
        for height in [1, 3] {
            var signature = (SQL.query(db(dir), "SELECT hex(signature) FROM blocks WHERE height = \(height)").first.flatMap { Hex.decode($0.lowercased()) }) ?? []
            XCTAssertEqual(signature.count, 64)
            signature[10] ^= 0x01
            sql += "UPDATE blocks SET signature = X'\(Hex.encode(signature))' WHERE height = \(height);"
        }
        XCTAssertEqual(SQL.exec(db(dir), sql).status, 0)
        let (_, a) = audit(["--data", dir], exit: 1)
        let found = failures(a).map { "\($0["check"] ?? "") \($0["block"] ?? "")" }
        XCTAssertEqual(found, ["header-signature 1", "header-signature 3"])
        XCTAssertEqual(a["events"] as? Int, 53, "every event was still checked")
        let limited = audit(["--data", dir, "--max-failures", "1"], exit: 1).audit
        XCTAssertEqual(failures(limited).count, 1)
        XCTAssertEqual(limited["failures_truncated"] as? Bool, true)
    }

    func testBadInputAndUsage() throws {
        let missing = Hadic.run(["audit", "--data", path("nowhere")])
        XCTAssertEqual(missing.status, 2, missing.summary)
        XCTAssertTrue(missing.stderr.contains("nowhere"), missing.stderr)
        let both = Hadic.run(["audit", "--data", base, "--node", "127.0.0.1:1"])
        XCTAssertEqual(both.status, 64, both.summary)
        let noCheckpoint = Hadic.run(["audit", "--data", base, "--since", path("no-such-checkpoint")])
        XCTAssertEqual(noCheckpoint.status, 2, noCheckpoint.summary)
    }

    // MARK: --since

    /// A ledger of the first 30 fixture events (blocks of 10), its checkpoint, then the rest.
    private func grownLedger() throws -> (dir: String, checkpoint: String) {
        let dir = initFixtureLedger("grown")
        let lines = Hadic.chainLines
        let first = try write(lines[0..<30].joined(separator: "\n") + "\n", to: "first.jsonl")
        let rest = try write(lines[30...].joined(separator: "\n") + "\n", to: "rest.jsonl")
        hadic(["append", "--data", dir, "--signed", first, "--block-size", "10"])
        let checkpoint = try write(hadic(["checkpoint", "--data", dir]).stdout, to: "cp30")
        hadic(["append", "--data", dir, "--signed", rest, "--block-size", "10"])
        return (dir, checkpoint)
    }

    func testSinceAuditsOnlyTheNewPart() throws {
        let (dir, checkpoint) = try grownLedger()
        let (_, a) = audit(["--data", dir, "--since", checkpoint], exit: 0)
        XCTAssertEqual(a["mode"] as? String, "since")
        XCTAssertEqual(a["blocks"] as? Int, 3, "blocks 4-6 are new")
        XCTAssertEqual(a["first_height"] as? Int, 4)
        XCTAssertEqual(a["events"] as? Int, 23)
        XCTAssertEqual(a["signatures"] as? Int, 23)
        XCTAssertEqual(a["prefix_events"] as? Int, 30)
        let since = try XCTUnwrap(a["since"] as? [String: Any])
        XCTAssertEqual(since["tree_size"] as? Int, 30)
        XCTAssertFalse((since["consistency_proof"] as? [String] ?? []).isEmpty)

        // A header of the audited prefix is not read again (what "incremental" saves); a full audit finds it.
        var signature = (SQL.query(db(dir), "SELECT hex(signature) FROM blocks WHERE height = 1").first.flatMap { Hex.decode($0.lowercased()) }) ?? []
        signature[5] ^= 0x01
        XCTAssertEqual(SQL.exec(db(dir), SQL.dropTriggers + "UPDATE blocks SET signature = X'\(Hex.encode(signature))' WHERE height = 1;").status, 0)
        _ = audit(["--data", dir, "--since", checkpoint], exit: 0)
        XCTAssertEqual(failures(audit(["--data", dir], exit: 1).audit).first?["block"] as? Int, 1)
    }

    func testSinceFindsChangesInThePrefixAndInTheNewPart() throws {
        let (dir, checkpoint) = try grownLedger()
        let spare = try copyLedger(dir, to: "grown-2")
        XCTAssertEqual(SQL.exec(db(dir), SQL.dropTriggers + (try flippedLeaf(5))).status, 0)
        let prefix = failures(audit(["--data", dir, "--since", checkpoint], exit: 1).audit)
        XCTAssertEqual(prefix.first?["leaf_index"] as? Int, 5, "\(prefix)")
        XCTAssertEqual(prefix.first?["event_id"] as? String, ids()[5])

        XCTAssertEqual(SQL.exec(db(spare), SQL.dropTriggers + (try flippedLeaf(40))).status, 0)
        let new = failures(audit(["--data", spare, "--since", checkpoint], exit: 1).audit)
        XCTAssertEqual(new.first?["leaf_index"] as? Int, 40, "\(new)")
        XCTAssertEqual(new.first?["block"] as? Int, 5)
    }

    func testSinceRefusesACheckpointOfAnotherLedger() throws {
        let other = path("other")
        hadic(["init", "--data", other, "--name", "example.org/other", "--sequencer-key", Hadic.key("sequencer.key"),
               "--admin-key", Hadic.key("hcms-admin.key.pub"), "--admin-name", "hcms-admin"])
        let checkpoint = try write(hadic(["checkpoint", "--data", other]).stdout, to: "other-cp")
        let f = failures(audit(["--data", base, "--since", checkpoint], exit: 1).audit)
        XCTAssertEqual(f.first?["check"] as? String, "since-checkpoint", "\(f)")
    }

    /// The fixture's first 20 events, then 20 lots no other copy has: the same ledger id, and at
    /// tree size 40 another root, both signed by the sequencer.
    private func forkedLedger() throws -> String { try fixtureFork(forkedLots: 20) }

    func testSinceReportsAForkWithBothCheckpoints() throws {
        let fork = try forkedLedger()
        let theirs = hadic(["checkpoint", "--data", fork]).stdout
        let checkpoint = try write(theirs, to: "fork-cp")
        let f = failures(audit(["--data", base, "--since", checkpoint], exit: 1).audit)
        let first = try XCTUnwrap(f.first)
        XCTAssertEqual(first["check"] as? String, "fork")
        XCTAssertEqual(first["block"] as? Int, 2)
        let ours = Hadic.json(hadic(["block", "--data", base, "2"]).stdout)?["checkpoint"] as? String
        XCTAssertNotNil(ours)
        XCTAssertEqual(first["evidence"] as? [String], [theirs, ours ?? "?"], "both signed checkpoints of tree size 40")
    }

    // MARK: --node

    func testNodesAreAuditedAndComparedWithoutTrustingThem() throws {
        let twin = try copy()
        let fork = try forkedLedger()
        let a = try startNode(base, port: NodeHarness.freePort())
        defer { stopNode(a) }
        let b = try startNode(twin, port: NodeHarness.freePort())
        defer { stopNode(b) }
        let c = try startNode(fork, port: NodeHarness.freePort())
        defer { stopNode(c) }

        let one = audit(["--node", a.address, "--trust", Hadic.key("sequencer.key.pub")], exit: 0).audit
        XCTAssertEqual(one["events"] as? Int, 53)
        XCTAssertEqual(one["signatures"] as? Int, 53)
        XCTAssertEqual(one["source"] as? String, "node \(a.address)")

        let same = audit(["--node", a.address, "--node", b.address], exit: 0).report
        XCTAssertEqual((same["comparisons"] as? [[String: Any]])?.first?["consistent"] as? Bool, true)

        let r = Hadic.run(["audit", "--node", a.address, "--node", c.address, "--json"])
        XCTAssertEqual(r.status, 1, r.summary)
        let comparisons = Hadic.json(r.stdout)?["comparisons"] as? [[String: Any]] ?? []
        let c0 = try XCTUnwrap(comparisons.first, r.stdout)
        XCTAssertEqual(c0["consistent"] as? Bool, false)
        XCTAssertTrue((c0["checkpoint_a"] as? String ?? "").contains("\n40\n"), "the fork's checkpoint, size 40: \(c0)")
        XCTAssertTrue((c0["checkpoint_b"] as? String ?? "").contains("\n40\n"), "the base's checkpoint at size 40: \(c0)")
        let text = Hadic.run(["audit", "--node", a.address, "--node", c.address])
        XCTAssertTrue(text.stdout.contains("TWO HISTORIES"), text.stdout)
    }
}
