import Foundation
import XCTest

/// `hadic reindex` rebuilds every derived table from the events alone.
final class ReindexTests: HadicTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try SQL.requireTool()
    }

    func testReindexLeavesTheDerivedTablesByteIdentical() throws {
        var dumps: [[String: [String]]] = []
        for blockSize in [1000, 7] {
            let dir = makeFixtureLedger("ledger-\(blockSize)", blockSize: blockSize)
            let before = SQL.dumpDerived(db(dir))
            XCTAssertEqual(before.count, SQL.derivedTableQueries.count)
            XCTAssertEqual(before["merkle_nodes"]?.count, 102, "53 leaves: 53 + 26 + 13 + 6 + 3 + 1 complete subtrees")
            XCTAssertEqual(before["parties"]?.count, 11)
            XCTAssertEqual(before["lots"]?.count, 14)
            XCTAssertEqual(before["certificates"]?.count, 7)
            XCTAssertFalse(before["holdings"]?.isEmpty ?? true)
            XCTAssertFalse(before["shipments"]?.isEmpty ?? true)
            let ledgerBefore = SQL.dumpLedger(db(dir))

            let r = hadic(["reindex", "--data", dir])
            XCTAssertEqual(r.stdout, "rebuilt: 11 parties, 14 lots, 7 certificates, 102 Merkle nodes, 47 provenance links\n")
            let after = SQL.dumpDerived(db(dir))
            for (table, _) in SQL.derivedTableQueries {
                XCTAssertEqual(after[table], before[table], "block size \(blockSize): reindex changed derived table \(table)")
            }
            XCTAssertEqual(SQL.dumpLedger(db(dir)), ledgerBefore, "reindex never touches blocks or events")
            hadic(["verify", "--data", dir, "--full"])
            dumps.append(before)
        }
        // The derived state depends on the events, not on how they were cut into blocks.
        XCTAssertEqual(dumps.first, dumps.last, "blocks of 7 and one block of 53 must derive the same tables")
    }

    func testReindexRepairsACorruptedHolding() throws {
        let dir = makeFixtureLedger()
        let original = SQL.dumpDerived(db(dir))
        let row = SQL.query(db(dir), "SELECT lot, holder FROM holdings WHERE amount > 0 ORDER BY lot, holder LIMIT 1").first ?? ""
        let parts = row.split(separator: "|").map(String.init)
        XCTAssertEqual(parts.count, 2, row)
        guard parts.count == 2 else { return }
        XCTAssertEqual(SQL.exec(db(dir), "UPDATE holdings SET amount = amount + 1 WHERE lot = '\(parts[0])' AND holder = '\(parts[1])'").status, 0)
        XCTAssertNotEqual(SQL.dumpDerived(db(dir)), original)

        let broken = hadic(["verify", "--data", dir, "--full"], exit: 1)
        XCTAssertTrue(broken.stderr.contains("holdings") && broken.stderr.contains("\(parts[0])@\(parts[1])"), broken.stderr)
        hadic(["reindex", "--data", dir])
        hadic(["verify", "--data", dir, "--full"])
        XCTAssertEqual(SQL.dumpDerived(db(dir)), original, "reindex restores exactly the derived rows")
    }

    func testReindexRestoresMissingMerkleNodesSoAppendsResume() throws {
        let dir = makeFixtureLedger()
        let original = SQL.dumpDerived(db(dir))
        XCTAssertEqual(SQL.exec(db(dir), "DELETE FROM merkle_nodes; DELETE FROM lots WHERE id LIKE 'rempah-madura/%';").status, 0)
        let quick = hadic(["verify", "--data", dir], exit: 1)
        XCTAssertTrue(quick.stderr.contains("Merkle nodes"), quick.stderr)
        // The sequencer refuses to sign over a store whose Merkle edge is gone.
        let envelope = sign([Self.lotCreateTemplate("rempah-madura/reindex-1")], key: "rempah-madura-2.key", actor: "rempah-madura")
        let input = try write(envelope.joined(separator: "\n") + "\n", to: "one.jsonl")
        let stopped = hadic(["append", "--data", dir, "--signed", input], exit: 2)
        XCTAssertTrue(stopped.stderr.contains("Merkle node"), stopped.stderr)
        XCTAssertEqual(treeSize(dir), 53)

        hadic(["reindex", "--data", dir])
        XCTAssertEqual(SQL.dumpDerived(db(dir)), original)
        hadic(["verify", "--data", dir, "--full"])
        let resumed = hadic(["append", "--data", dir, "--signed", input])
        XCTAssertEqual(resumed.lines, envelope.map { Hadic.eventID(ofCanonicalEnvelope: $0) ?? "?" })
        hadic(["verify", "--data", dir, "--full"])
    }
}
