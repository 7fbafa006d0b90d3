import Foundation
import XCTest

/// `hadic balance LOT|PARTY` over the fixture chain.
final class BalanceTests: HadicTestCase {
    static let rendang = "urn:epc:class:lgtin:8991234.012345.RDG2610A"

    func testLotBalances() throws {
        let dir = makeFixtureLedger()
        let rendang = try XCTUnwrap(Hadic.json(hadic(["balance", "--data", dir, "--json", Self.rendang]).stdout))
        XCTAssertEqual(rendang["unit"] as? String, "pcs")
        XCTAssertEqual(rendang["made"] as? String, "1200")
        XCTAssertEqual(rendang["packed"] as? String, "1200")
        XCTAssertEqual(rendang["unpacked"] as? String, "24")
        XCTAssertEqual(rendang["held"] as? String, "24")
        XCTAssertEqual(rendang["in_containers"] as? String, "1176")
        XCTAssertEqual((rendang["holders"] as? [[String: String]]) ?? [], [["party": "jatim-export", "amount": "24"]])

        // The spice mix: 440 kg made, 120 kg shipped to and received by the pesantren, who used all of it.
        let spice = try XCTUnwrap(Hadic.json(hadic(["balance", "--data", dir, "--json", "https://id.gs1.org/01/08991234000015/10/SPX2610A"]).stdout))
        XCTAssertEqual([spice["made"], spice["shipped"], spice["received"], spice["consumed"], spice["held"]] as? [String],
                       ["440", "120", "120", "120", "320"])
        XCTAssertEqual((spice["holders"] as? [[String: String]]) ?? [], [["party": "rempah-madura", "amount": "320"]])

        let text = hadic(["balance", "--data", dir, "rph-sidoarjo/carcass-2026-10-005"]).lines
        XCTAssertEqual(text.first, "balance of rph-sidoarjo/carcass-2026-10-005 — karkas sapi halal (beef), in kg")
        XCTAssertTrue(text.contains("  consumed      1000"), text.joined(separator: "\n"))
        XCTAssertTrue(text.contains("  held          0"), text.joined(separator: "\n"))
    }

    func testInTransitAndPartyHoldings() throws {
        let dir = makeFixtureLedger()
        let ledger = Hadic.fixtureText("chain/ledger-id").trimmingCharacters(in: .whitespacesAndNewlines)
        let template = #"{"type":"custody.ship","time":"2026-10-20T00:00:00Z","body":{"to":"jatim-export","lots":[{"lot":"daging-nusantara/chunks-2026-10-006","quantity":{"amount":"12.5","unit":"kg"}}]}}"#
        let signed = hadic(["sign", "--key", Hadic.key("daging-nusantara.key"), "--actor", "daging-nusantara", "--ledger", ledger],
                           stdin: template + "\n").stdout
        hadic(["append", "--data", dir, "--signed"], stdin: signed)
        let chunks = try XCTUnwrap(Hadic.json(hadic(["balance", "--data", dir, "--json", "daging-nusantara/chunks-2026-10-006"]).stdout))
        XCTAssertEqual(chunks["in_transit"] as? String, "12.5")
        XCTAssertEqual(chunks["held"] as? String, "287.5")

        let party = try XCTUnwrap(Hadic.json(hadic(["balance", "--data", dir, "--json", "jatim-export"]).stdout))
        let lots = ((party["holdings"] as? [[String: Any]]) ?? []).compactMap { $0["lot"] as? String }
        XCTAssertEqual(lots, ["https://id.gs1.org/00/389912340000000016", Self.rendang])
        hadic(["balance", "--data", dir, "NOT-A-LOT!"], exit: 2)
    }
}
