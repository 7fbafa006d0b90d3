import Foundation
import XCTest

/// `hadic history` and the provenance index (`lot_events`) behind it.
final class ProvenanceIndexTests: HadicTestCase {
    static let rendang = "urn:epc:class:lgtin:8991234.012345.RDG2610A"

    func testHistoryOfTheRendangLot() throws {
        let dir = makeFixtureLedger()
        let text = hadic(["history", "--data", dir, Self.rendang]).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(text.first, "history of \(Self.rendang): 7 events")
        let rows = text.dropFirst().map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows.map { $0[0] }, ["39", "40", "41", "42", "43", "47", "48"])
        XCTAssertEqual(rows.map { $0[4] }, ["produced", "inspected", "inspected", "packed", "packed", "unpacked", "inspected"])
        XCTAssertEqual(rows.map { $0[3] }, ["pesantren-sidogiri", "lppom-mui", "pesantren-sidogiri", "pesantren-sidogiri",
                                            "pesantren-sidogiri", "jatim-export", "jatim-export"])

        let json = hadic(["history", "--data", dir, "--json", Self.rendang]).stdout
        let array = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.count, 7)
        XCTAssertEqual(array.first?["type"] as? String, "lot.transform")
        XCTAssertEqual(array.first?["role"] as? String, "produced")
        XCTAssertEqual(array.first?["index"] as? Int, 39)
        let firstID = try XCTUnwrap(array.first?["id"] as? String)
        hadic(["event", "--data", dir, firstID])

        // A shipped and received lot: the carcass.
        let carcass = hadic(["history", "--data", dir, "rph-sidoarjo/carcass-2026-10-005"]).stdout
        XCTAssertTrue(carcass.contains("\tproduced\t") && carcass.contains("\tshipped\t") && carcass.contains("\treceived\t")
                      && carcass.contains("\tconsumed\t"), carcass)
        // Unknown lot: exit 2, one line; malformed: usage error.
        let unknown = hadic(["history", "--data", dir, "rph-sidoarjo/nothing"], exit: 2)
        XCTAssertTrue(unknown.stderr.contains("no event in this ledger touches"), unknown.summary)
        hadic(["history", "--data", dir, "not a lot"], exit: 64)
    }

    func testTamperedIndexIsNamedAndReindexRepairsIt() throws {
        try SQL.requireTool()
        let dir = makeFixtureLedger()
        let ledger = db(dir)
        XCTAssertEqual(SQL.exec(ledger, "UPDATE lot_events SET role = 'recalled' WHERE lot = '\(Self.rendang)' AND leaf_index = 40").status, 0)
        let full = hadic(["verify", "--data", dir, "--full"], exit: 1)
        XCTAssertTrue(full.stderr.contains("derived table lot_events"), full.summary)
        hadic(["verify", "--data", dir])  // quick verify does not read derived tables
        XCTAssertEqual(SQL.exec(ledger, "DELETE FROM lot_events WHERE leaf_index = 51 - 1").status, 0)
        hadic(["reindex", "--data", dir])
        hadic(["verify", "--data", dir, "--full"])
        XCTAssertEqual(hadic(["history", "--data", dir, Self.rendang]).stdout.split(separator: "\n").count, 8)
    }

    /// The event facts each row carries are checked like the rest of the row.
    func testATamperedEventFactIsNamed() throws {
        try SQL.requireTool()
        let dir = makeFixtureLedger()
        for (n, change) in ["place = 'truck-x'", "segregated = CASE WHEN segregated = 1 THEN 0 ELSE 1 END", "segregated = 2", "actor = 'jatim-export'", "time = '2026-01-01T00:00:00Z'", "key_id = 'ab'"].enumerated() {
            let copy = try copyLedger(dir, to: "copy-\(n)")
            XCTAssertEqual(SQL.exec(db(copy), "UPDATE lot_events SET \(change) WHERE (lot, leaf_index, role) = (SELECT lot, leaf_index, role FROM lot_events WHERE role = 'shipped' ORDER BY leaf_index LIMIT 1)").status, 0)
            let full = hadic(["verify", "--data", copy, "--full"], exit: 1)
            XCTAssertTrue(full.stderr.contains("lot_events"), "\(change): \(full.summary)")
        }
    }

    func testIndexIsBackfilledForALedgerMadeBeforeIt() throws {
        try SQL.requireTool()
        let dir = makeFixtureLedger()
        let ledger = db(dir)
        XCTAssertEqual(SQL.exec(ledger, "DROP TABLE lot_events; DELETE FROM grdb_migrations WHERE identifier IN ('v2-provenance-index', 'v5-provenance-quantities', 'v6-ingredient-indexes', 'v7-provenance-facts')").status, 0)
        // A reader does not migrate: it says so, rather than failing on a missing column.
        let reader = hadic(["history", "--data", dir, Self.rendang], exit: 2)
        XCTAssertTrue(reader.stderr.contains("written by an older hadic") && reader.stderr.contains("v7-provenance-facts"), reader.summary)
        XCTAssertTrue(hadic(["verify", "--data", dir, "--full"], exit: 2).stderr.contains("open it once with a writer"))
        hadic(["append", "--data", dir, "--signed", "/dev/null"])  // a writer does
        hadic(["verify", "--data", dir, "--full"])
        XCTAssertTrue(hadic(["history", "--data", dir, Self.rendang]).stdout.hasPrefix("history of \(Self.rendang): 7 events"))
    }
}
