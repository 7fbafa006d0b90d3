import Foundation
import XCTest

/// `hadic custody LOT`: holders, matched shipments, container moves, unmatched shipments.
final class CustodyTests: HadicTestCase {
    static let rendang = "urn:epc:class:lgtin:8991234.012345.RDG2610A"
    static let chunks = "daging-nusantara/chunks-2026-10-006"

    func testRendangTravelsInsideItsPallets() throws {
        let dir = makeFixtureLedger()
        let lines = hadic(["custody", "--data", dir, Self.rendang]).lines
        XCTAssertEqual(lines.first, "custody of \(Self.rendang)")
        let kinds = lines.dropFirst().prefix(9).map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }
        XCTAssertEqual(kinds, ["made", "packed", "packed", "shipped", "shipped", "received", "received", "unpacked", "packed"])
        XCTAssertTrue(lines[4].contains("pesantren-sidogiri -> jatim-export  (inside urn:epc:id:sscc:8991234.0000000001)"), lines[4])
        XCTAssertEqual(lines[lines.count - 2], "holders: pesantren-sidogiri -> jatim-export")
        XCTAssertEqual(lines.last, "every shipment was received")

        let json = try XCTUnwrap(Hadic.json(hadic(["custody", "--data", dir, "--json", Self.rendang]).stdout))
        XCTAssertEqual(json["holders"] as? [String], ["pesantren-sidogiri", "jatim-export"])
        XCTAssertEqual((json["unmatched"] as? [Any])?.count, 0)
        let entries = try XCTUnwrap(json["entries"] as? [[String: Any]])
        let ship = try XCTUnwrap(entries.first { $0["kind"] as? String == "shipped" })
        XCTAssertEqual(ship["to"] as? String, "jatim-export")
        XCTAssertNotNil(ship["received_by"] as? String, "the shipment is matched with its receive")
    }

    func testAShipmentNobodyReceivedIsCalledOut() throws {
        let dir = makeFixtureLedger()
        let ledger = Hadic.fixtureText("chain/ledger-id").trimmingCharacters(in: .whitespacesAndNewlines)
        let template = #"{"type":"custody.ship","time":"2026-10-20T00:00:00Z","body":{"to":"jatim-export","lots":[{"lot":"\#(Self.chunks)","quantity":{"amount":"10","unit":"kg"}}]}}"#
        let signed = hadic(["sign", "--key", Hadic.key("daging-nusantara.key"), "--actor", "daging-nusantara", "--ledger", ledger],
                           stdin: template + "\n").stdout
        let shipID = try XCTUnwrap(hadic(["append", "--data", dir, "--signed"], stdin: signed).lines.first)
        let lines = hadic(["custody", "--data", dir, Self.chunks]).lines
        XCTAssertTrue(lines.contains { $0.contains("shipped   daging-nusantara -> jatim-export  NOT RECEIVED") }, lines.joined(separator: "\n"))
        XCTAssertEqual(lines.last, "unmatched shipments: \(shipID.prefix(12))")
        let json = try XCTUnwrap(Hadic.json(hadic(["custody", "--data", dir, "--json", Self.chunks]).stdout))
        XCTAssertEqual(json["unmatched"] as? [String], [shipID])
    }

    func testUnknownLotIsRefused() {
        let dir = makeFixtureLedger()
        hadic(["custody", "--data", dir, "rph-sidoarjo/none"], exit: 2)
        hadic(["custody", "--data", dir, "not a lot"], exit: 64)
    }
}
