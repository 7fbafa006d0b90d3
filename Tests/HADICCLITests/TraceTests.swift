import Foundation
import XCTest

/// `hadic trace back|forward` over the fixture chain, in text, JSON and Graphviz.
final class TraceTests: HadicTestCase {
    static let rendang = "urn:epc:class:lgtin:8991234.012345.RDG2610A"

    func testTraceBackOfTheRendangReachesEveryRawMaterial() throws {
        let dir = makeFixtureLedger()
        let lines = hadic(["trace", "back", "--data", dir, Self.rendang]).lines
        XCTAssertEqual(lines.count, 10, lines.joined(separator: "\n"))
        XCTAssertTrue(lines[0].hasPrefix(Self.rendang + " — rendang daging beku 500 g (ready-meal), made by pesantren-sidogiri 2026-10-10T04:00:00Z"))
        XCTAssertTrue(lines[1].hasPrefix("├── 400 kg daging-nusantara/chunks-2026-10-006 — beef chunks (beef), made by daging-nusantara"))
        XCTAssertTrue(lines[2].hasPrefix("│   └── 1 t rph-sidoarjo/carcass-2026-10-005"))
        XCTAssertTrue(lines[3].hasPrefix("│       └── 1800 kg rph-sidoarjo/cattle-2026-10-005") && lines[3].contains("created by rph-sidoarjo"))
        for spice in ["60 kg rempah-madura/kunyit", "150 kg rempah-madura/cabai", "200 kg rempah-madura/bawang", "40 kg rempah-madura/lengkuas"] {
            XCTAssertEqual(lines.filter { $0.contains(spice) }.count, 1, spice)
        }
        XCTAssertTrue(lines[9].hasPrefix("└── 300 l pesantren-sidogiri/santan-2026-10-09"))
        // Each step names the certificates its actor held at that moment.
        XCTAssertTrue(lines[0].hasSuffix("[ID-BPJPH-2026-31002 by bpjph]"), lines[0])
        XCTAssertTrue(lines[3].hasSuffix("[ID-BPJPH-RPH-2026-0117 by bpjph]"), lines[3])

        let json = hadic(["trace", "back", "--data", dir, "--json", Self.rendang]).stdout
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let children = try XCTUnwrap(root["children"] as? [[String: Any]])
        XCTAssertEqual(children.map { $0["lot"] as? String }, ["daging-nusantara/chunks-2026-10-006",
                                                              "https://id.gs1.org/01/08991234000015/10/SPX2610A",
                                                              "pesantren-sidogiri/santan-2026-10-09"])
        XCTAssertEqual((children[0]["quantity"] as? [String: String]) ?? [:], ["amount": "400", "unit": "kg"])
        let step = try XCTUnwrap(root["step"] as? [String: Any])
        XCTAssertEqual(step["type"] as? String, "lot.transform")
        XCTAssertEqual(step["index"] as? Int, 39)
        XCTAssertEqual(step["actor"] as? String, "pesantren-sidogiri")
        XCTAssertEqual((step["certificates"] as? [[String: String]]) ?? [], [["issuer": "bpjph", "number": "ID-BPJPH-2026-31002"]])
        XCTAssertEqual(((children[1]["children"] as? [[String: Any]]) ?? []).count, 4)

        let dot = hadic(["trace", "back", "--data", dir, "--dot", Self.rendang]).lines
        XCTAssertEqual(dot.first, "digraph provenance {")
        XCTAssertEqual(dot.last, "}")
        XCTAssertEqual(dot.filter { $0.contains(" -> ") }.count, 9, "one edge per ingredient use")
        XCTAssertTrue(dot.contains("  \"rph-sidoarjo/cattle-2026-10-005\" -> \"rph-sidoarjo/carcass-2026-10-005\" [label=\"1800 kg\"];"))
    }

    func testTraceForwardOfTheCattleShowsTheRecallReach() throws {
        let dir = makeFixtureLedger()
        let text = hadic(["trace", "forward", "--data", dir, "rph-sidoarjo/cattle-2026-10-005"]).stdout
        for reached in ["rph-sidoarjo/carcass-2026-10-005", "daging-nusantara/chunks-2026-10-006", "daging-nusantara/bones-2026-10-006",
                        Self.rendang, "urn:epc:id:sscc:8991234.0000000001", "urn:epc:id:sscc:8991234.0000000002",
                        "https://id.gs1.org/00/389912340000000016"] {
            XCTAssertTrue(text.contains(reached), "\(reached) not reached:\n\(text)")
        }
        XCTAssertTrue(text.contains("(shown above)"), "the export container is reached through both pallets, expanded once")
        XCTAssertTrue(text.contains("by jatim-export 2026-10-12T04:00:00Z (lot.aggregate 9480c8b94d64) [MY-JAKIM-MS2400-2026-0102 by jakim]"),
                      "the exporter's warehousing certificate:\n\(text)")
        // A lot nothing was made from has no children.
        XCTAssertEqual(hadic(["trace", "forward", "--data", dir, "daging-nusantara/bones-2026-10-006"]).lines.count, 1)
    }

    /// For every lot of the fixture chain: each lot its backward trace reaches has it in its
    /// forward trace, and each lot its forward trace reaches has it in its backward trace.
    func testForwardAndBackwardTracesAgreeOnEveryFixtureLot() throws {
        let dir = makeFixtureLedger()
        let lots = SQL.query(db(dir), "SELECT id FROM lots ORDER BY id")
        XCTAssertEqual(lots.count, 14)
        func reach(_ lot: String, _ direction: String) throws -> Set<String> {
            let json = hadic(["trace", direction, "--data", dir, "--json", lot]).stdout
            var out = Set<String>()
            func walk(_ node: [String: Any]) {
                if let id = node["lot"] as? String, id != lot { out.insert(id) }
                for child in (node["children"] as? [[String: Any]]) ?? [] { walk(child) }
            }
            walk(try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]))
            return out
        }
        var back: [String: Set<String>] = [:], forward: [String: Set<String>] = [:]
        for lot in lots {
            back[lot] = try reach(lot, "back")
            forward[lot] = try reach(lot, "forward")
        }
        var pairs = 0
        for lot in lots {
            for upstream in back[lot] ?? [] {
                pairs += 1
                XCTAssertTrue(forward[upstream]?.contains(lot) == true, "\(upstream) is behind \(lot), but its forward trace misses it")
            }
            for downstream in forward[lot] ?? [] {
                XCTAssertTrue(back[downstream]?.contains(lot) == true, "\(downstream) is after \(lot), but its backward trace misses it")
            }
        }
        XCTAssertGreaterThan(pairs, 20, "the fixture chain has real depth")
    }

    func testTraceRefusesUnknownAndMalformedLots() {
        let dir = makeFixtureLedger()
        let unknown = hadic(["trace", "back", "--data", dir, "rph-sidoarjo/nothing"], exit: 2)
        XCTAssertTrue(unknown.stderr.contains("no lot rph-sidoarjo/nothing"), unknown.summary)
        hadic(["trace", "back", "--data", dir, "not a lot"], exit: 64)
        hadic(["trace", "back", "--data", dir, "--json", "--dot", Self.rendang], exit: 64)
    }
}
