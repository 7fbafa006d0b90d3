import Foundation
import HADICCore
import XCTest

/// `hadic epcis export` through the built binary on the fixture ledger (docs/EPCIS.md, "Export"):
/// every exported document must keep the EPCIS 2.0 rules (``EPCISDocumentRules``) and expand
/// under GS1's EPCIS 2.0 JSON-LD context (scripts/epcis-jsonld-check, in the venv scripts/setup
/// makes); a missing venv fails the test, it does not skip it.
final class EPCISExportTests: HadicTestCase {
    /// The fixture's finished product: rendang in retail packs (its closure is most of the chain).
    static let rendang = "urn:epc:class:lgtin:8991234.012345.RDG2610A"
    static let cattle = "rph-sidoarjo/cattle-2026-10-005"

    // MARK: Export of one lot

    func testLotExportIsAValidEPCISDocumentOfTheLotsHistory() throws {
        let dir = makeFixtureLedger()
        let doc = exportDocument(dir, [Self.rendang])
        XCTAssertEqual(try validationProblems(doc), [])
        XCTAssertEqual(doc["type"], "EPCISDocument")
        XCTAssertEqual(doc["schemaVersion"], "2.0")
        // The same events as the provenance index's history of the lot, in ledger order.
        let history = hadic(["history", "--data", dir, Self.rendang, "--json"]).stdout
        let indexed = try JSONValue.parse(history).arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        var seen = Set<String>()
        let expected = indexed.filter { seen.insert($0).inserted }
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(Self.hadicIDs(doc), expected)
        let leaves = Self.events(doc).compactMap { $0["hadic:leafIndex"]?.numberValue?.int64Value }
        XCTAssertEqual(leaves, leaves.sorted(), "events in ledger order")
        for event in Self.events(doc) {
            XCTAssertEqual(event["eventTimeZoneOffset"], "+00:00")
            XCTAssertNotNil(event["recordTime"]?.stringValue, "the block's time")
        }
    }

    func testClosureAddsWhatFedTheLotAndSinceCutsByTime() throws {
        let dir = makeFixtureLedger()
        let own = Set(Self.hadicIDs(exportDocument(dir, [Self.rendang])))
        let closureDoc = exportDocument(dir, [Self.rendang, "--closure"])
        XCTAssertEqual(try validationProblems(closureDoc), [])
        let closure = Self.events(closureDoc)
        XCTAssertTrue(own.isSubset(of: Set(Self.hadicIDs(closureDoc))))
        XCTAssertGreaterThan(closure.count, own.count)
        // Upstream: the live cattle's commissioning, its ante-mortem inspection, the slaughter;
        // the spices' commissioning; the pallets the packs were packed into, and their shipment.
        func has(_ type: String, _ lot: String) -> Bool {
            closure.contains { e in e["hadic:type"]?.stringValue == type && e.canonicalString.contains(lot) }
        }
        XCTAssertTrue(has("lot.create", Self.cattle))
        XCTAssertTrue(has("lot.inspect", Self.cattle))
        XCTAssertTrue(has("lot.transform", Self.cattle))
        XCTAssertTrue(has("lot.create", "rempah-madura/kunyit-2026-10-01"))
        XCTAssertTrue(has("custody.ship", "urn:epc:id:sscc:8991234.0000000001"))
        // The recalled bone lot came from the same carcass but did not feed the rendang.
        XCTAssertFalse(has("lot.recall", "daging-nusantara/bones-2026-10-006"))
        XCTAssertFalse(Self.hadicIDs(exportDocument(dir, [Self.rendang])).contains { id in
            closure.contains { $0["hadic:eventID"]?.stringValue == id && $0["hadic:type"] == "lot.create" && $0.canonicalString.contains(Self.cattle) }
        })

        let since = "2026-10-10T00:00:00Z"
        let later = Self.events(exportDocument(dir, [Self.rendang, "--closure", "--since", since]))
        XCTAssertFalse(later.isEmpty)
        XCTAssertTrue(later.allSatisfy { ($0["eventTime"]?.stringValue ?? "") >= since })
        XCTAssertEqual(later.count, closure.filter { ($0["eventTime"]?.stringValue ?? "") >= since }.count)
    }

    // MARK: The mapping, event type by event type

    func testEveryEventTypeMapsToTheDocumentedEPCISEvent() throws {
        let dir = makeFixtureLedger()
        let doc = exportDocument(dir, ["--all"])
        XCTAssertEqual(try validationProblems(doc), [])
        let events = Self.events(doc)
        // Party, certificate and policy events are master data: 53 fixture events, 35 on lots and assets.
        let lotEventTypes: Set<String> = ["lot.create", "lot.transform", "lot.aggregate", "lot.disaggregate", "custody.ship",
                                          "custody.receive", "lot.inspect", "lot.incident", "lot.cleanse", "lot.recall"]
        let fixtureTypes = Hadic.chainLines.compactMap { (try? JSONValue.parse($0))?["type"]?.stringValue }
        XCTAssertEqual(events.count, fixtureTypes.filter { lotEventTypes.contains($0) }.count)
        XCTAssertEqual(Set(events.compactMap { $0["hadic:type"]?.stringValue }), lotEventTypes)
        func first(_ type: String, _ text: String = "") -> JSONValue {
            events.first { $0["hadic:type"]?.stringValue == type && (text.isEmpty || $0.canonicalString.contains(text)) } ?? .null
        }

        let create = first("lot.create", Self.cattle)
        XCTAssertEqual(create["type"], "ObjectEvent")
        XCTAssertEqual(create["action"], "ADD")
        XCTAssertEqual(create["bizStep"], "commissioning")
        XCTAssertEqual(create["disposition"], "active")
        XCTAssertEqual(create["quantityList"], [["epcClass": "urn:hadic:lot:rph-sidoarjo/cattle-2026-10-005", "quantity": 1800, "uom": "KGM"]])
        XCTAssertEqual(create["bizLocation"], ["id": "urn:hadic:location:rph-sidoarjo/plant-1"])
        XCTAssertEqual(create["ilmd"]?["hadic:class"], "cattle")
        XCTAssertEqual(create["certificationInfo"], "urn:hadic:cert:bpjph:ID-BPJPH-RPH-2026-0117")
        XCTAssertEqual(create["hadic:actor"], "urn:hadic:party:rph-sidoarjo")
        XCTAssertEqual(create["hadic:ledger"]?.stringValue, Hadic.ledgerID)
        XCTAssertEqual(create["eventTime"], "2026-10-05T05:00:00Z")

        let slaughter = first("lot.transform", Self.cattle)
        XCTAssertEqual(slaughter["type"], "TransformationEvent")
        XCTAssertNil(slaughter["action"])
        XCTAssertEqual(slaughter["inputQuantityList"], [["epcClass": "urn:hadic:lot:rph-sidoarjo/cattle-2026-10-005", "quantity": 1800, "uom": "KGM"]])
        XCTAssertEqual(slaughter["outputQuantityList"]?.arrayValue?.first?["epcClass"], "urn:hadic:lot:rph-sidoarjo/carcass-2026-10-005")
        XCTAssertEqual(slaughter["ilmd"]?["hadic:outputs"]?[0]?["hadic:class"], "beef")

        let pack = first("lot.aggregate", "urn:epc:id:sscc:8991234.0000000001")
        XCTAssertEqual(pack["type"], "AggregationEvent")
        XCTAssertEqual(pack["action"], "ADD")
        XCTAssertEqual(pack["bizStep"], "packing")
        XCTAssertEqual(pack["parentID"], "urn:epc:id:sscc:8991234.0000000001")
        XCTAssertEqual(pack["childQuantityList"]?[0]?["epcClass"]?.stringValue, Self.rendang)
        XCTAssertNil(pack["childQuantityList"]?[0]?["uom"], "pcs: a count has no uom")

        let unpack = first("lot.disaggregate")
        XCTAssertEqual(unpack["action"], "DELETE")
        XCTAssertEqual(unpack["bizStep"], "unpacking")
        XCTAssertEqual(unpack["parentID"], "urn:epc:id:sscc:8991234.0000000002")

        let ship = first("custody.ship", "rph-sidoarjo/carcass")
        XCTAssertEqual(ship["action"], "OBSERVE")
        XCTAssertEqual(ship["bizStep"], "shipping")
        XCTAssertEqual(ship["disposition"], "in_transit")
        XCTAssertEqual(ship["sourceList"], [["type": "owning_party", "source": "urn:hadic:party:rph-sidoarjo"],
                                            ["type": "possessing_party", "source": "urn:hadic:party:rph-sidoarjo"]])
        XCTAssertEqual(ship["destinationList"]?[0]?["destination"], "urn:hadic:party:daging-nusantara")
        XCTAssertEqual(ship["hadic:carrier"], "urn:hadic:party:dingin-logistik")
        XCTAssertEqual(ship["hadic:segregated"], true)
        // The carrier's halal logistics certificate (MS2400) is relied on too.
        let shipCerts = (ship["certificationInfo"]?.arrayValue ?? []).compactMap(\.stringValue)
        XCTAssertTrue(shipCerts.contains("urn:hadic:cert:jakim:MY-JAKIM-MS2400-2026-0088"), "\(shipCerts)")

        let receive = first("custody.receive", "rph-sidoarjo/carcass")
        XCTAssertEqual(receive["bizStep"], "receiving")
        XCTAssertEqual(receive["sourceList"]?[0]?["source"], "urn:hadic:party:rph-sidoarjo", "the shipper")
        XCTAssertEqual(receive["destinationList"]?[0]?["destination"], "urn:hadic:party:daging-nusantara")
        XCTAssertEqual(receive["quantityList"]?[0]?["quantity"], 1000000)
        XCTAssertEqual(receive["quantityList"]?[0]?["uom"], "GRM")
        XCTAssertEqual(receive["hadic:shipment"], ship["hadic:eventID"])

        let inspect = first("lot.inspect", "ante-mortem")
        XCTAssertEqual(inspect["bizStep"], "inspecting")
        XCTAssertEqual(inspect["disposition"], "conformant")
        XCTAssertEqual(inspect["hadic:result"], "pass")
        XCTAssertNil(inspect["quantityList"]?[0]?["quantity"], "an inspection is of the lot, not of an amount")

        let incident = first("lot.incident")
        XCTAssertEqual(incident["bizStep"], "holding")
        XCTAssertEqual(incident["disposition"], "non_conformant")
        XCTAssertEqual(incident["quantityList"]?[0]?["epcClass"], "https://id.gs1.org/01/08991234000015/10/SPX2610A", "a Digital Link lot as is")

        let recall = first("lot.recall")
        XCTAssertEqual(recall["disposition"], "recalled")

        let cleanse = first("lot.cleanse", "sertu")
        XCTAssertEqual(cleanse["epcList"], ["urn:hadic:asset:dingin-logistik/reefer-TGHU-889120"])
        XCTAssertEqual(cleanse["bizStep"], "urn:hadic:epcis:cleansing")

        // An instance lot (SSCC) goes in epcList, its HADIC amount in hadic:quantities.
        let palletShip = first("custody.ship", "urn:epc:id:sscc:8991234.0000000001")
        XCTAssertTrue(palletShip["epcList"]?.arrayValue?.contains("urn:epc:id:sscc:8991234.0000000001") ?? false)
        XCTAssertEqual(palletShip["hadic:quantities"]?[0]?["hadic:unit"], "pcs")
    }

    func testEventIDsAreCBV20EventHashesAndStable() throws {
        let dir = makeFixtureLedger()
        let a = Self.events(exportDocument(dir, ["--all"]))
        let b = Self.events(exportDocument(dir, ["--all"]))
        XCTAssertEqual(a, b, "the same ledger exports the same events")
        let ids = a.compactMap { $0["eventID"]?.stringValue }
        XCTAssertEqual(ids.count, a.count)
        XCTAssertEqual(Set(ids).count, ids.count, "distinct events, distinct hashes")
        for id in ids {
            XCTAssertTrue(EPCISDocumentRules.matches(id, "^ni:///sha-256;[0-9a-f]{64}\\?ver=CBV2\\.0$"), id)
        }
    }

    // MARK: Through a node

    func testExportThroughANodeEqualsTheDataDirectorysExport() throws {
        let dir = makeFixtureLedger()
        let expected = Self.events(exportDocument(dir, [Self.rendang, "--closure"]))
        XCTAssertFalse(expected.isEmpty)
        let node = try startNode(dir, port: NodeHarness.freePort())
        defer { stopNode(node) }
        let r = hadic(["epcis", "export", "--node", node.address, Self.rendang, "--closure"])
        let viaNode = try JSONValue.parse(r.stdout)
        XCTAssertEqual(Self.events(viaNode), expected, "the node's audited copy exports the same events")
        XCTAssertEqual(try validationProblems(viaNode), [])
        let unknown = hadic(["epcis", "export", "--node", node.address, "rph-sidoarjo/no-such-lot"], exit: 2)
        XCTAssertTrue(unknown.stderr.contains("no lot rph-sidoarjo/no-such-lot"), unknown.stderr)
        let nobody = hadic(["epcis", "export", "--node", "127.0.0.1:\(NodeHarness.freePort())", "--all"], exit: 2)
        XCTAssertEqual(nobody.stdout, "")
    }

    // MARK: Output and refusals

    func testOutputFileHoldsTheSameDocument() throws {
        let dir = makeFixtureLedger()
        let out = path("rendang.jsonld")
        let r = hadic(["epcis", "export", "--data", dir, Self.rendang, "--output", out])
        XCTAssertEqual(r.stdout, "")
        let written = try JSONValue.parse(String(contentsOfFile: out, encoding: .utf8))
        XCTAssertEqual(Self.events(written), Self.events(exportDocument(dir, [Self.rendang])))
        XCTAssertTrue(EPCISDocumentRules.isDateTime(written["creationDate"]?.stringValue))
    }

    func testBadRequestsFailClearlyAndWriteNothing() throws {
        let dir = makeFixtureLedger()
        let out = path("never.jsonld")
        let unknown = hadic(["epcis", "export", "--data", dir, "rph-sidoarjo/no-such-lot", "--output", out], exit: 2)
        XCTAssertTrue(unknown.stderr.contains("no lot rph-sidoarjo/no-such-lot"), unknown.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        for (args, message) in [
            ([String](), "give either a LOT or --all"),
            ([Self.rendang, "--all"], "give either a LOT or --all"),
            (["--all", "--closure"], "--closure goes with a LOT"),
            ([Self.rendang, "--since", "yesterday"], "--since must be RFC 3339"),
            (["not a lot"], "not a lot id"),
        ] {
            let r = hadic(["epcis", "export", "--data", dir, "--output", out] + args, exit: 64)
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
        let missing = hadic(["epcis", "export", "--data", path("nowhere"), "--all"], exit: 2)
        XCTAssertFalse(missing.stderr.isEmpty)
        XCTAssertEqual(missing.stdout, "")
    }

    // MARK: The validators can fail

    /// Both validations reject what breaks the standard, so a passing export means something.
    func testValidationRejectsDocumentsThatBreakTheStandard() throws {
        let dir = makeFixtureLedger()
        let doc = exportDocument(dir, [Self.rendang])
        guard case .object(var root) = doc, case .object(var body)? = root["epcisBody"],
              case .array(var events)? = body["eventList"], case .object(var first)? = events.first else {
            return XCTFail("no event to break")
        }
        first["eventTimeZoneOffset"] = nil
        first["bizStep"] = "comissioning"
        first["lotNote"] = "an unprefixed extension"
        events[0] = .object(first)
        body["eventList"] = .array(events)
        root["epcisBody"] = .object(body)
        let broken = try validationProblems(.object(root), name: "broken.json")
        XCTAssertTrue(broken.contains { $0.contains("eventTimeZoneOffset") }, "\(broken)")
        XCTAssertTrue(broken.contains { $0.contains("lotNote") }, "\(broken)")
        XCTAssertTrue(broken.contains { $0.contains("epcis-jsonld-check") && $0.contains("'comissioning' is not a word") }, "\(broken)")
    }

    // MARK: Round trip

    /// Export, import into a fresh ledger, export again: the same events.
    ///
    /// "The same" is exact: the second document's eventList equals the first's element by
    /// element, in order, as JSON values (RFC 8785 canonical bytes equal), so every eventID
    /// (CBV 2.0 hash), every identifier, quantity, time and HADIC extension member is kept; the
    /// documents differ only in creationDate. The chain uses GS1 identifiers only and one party
    /// per import, which is what `hadic epcis import` maps today (docs/EPCIS.md, "Export").
    func testExportImportExportGivesTheSameEvents() throws {
        let a = try gs1Ledger("a")
        let first = exportDocument(a, ["--all"])
        XCTAssertEqual(try validationProblems(first, name: "first.json"), [])
        let events = Self.events(first)
        XCTAssertEqual(events.count, 8)

        let b = masterDataLedger("b")
        let map = try write("""
            {"parties": {"urn:hadic:party:pesantren-sidogiri": "pesantren-sidogiri", "urn:hadic:party:jatim-export": "jatim-export"},
             "products": {"08991234000022": {"product": "cabai kering", "class": "chili"},
                          "08991234000039": {"product": "kunyit", "class": "turmeric"},
                          "08991234000046": {"product": "bumbu rendang", "class": "spice-mix"}}}
            """, to: "map.json")
        // Each party imports its own events (the importer signs what it imports).
        for (party, key) in [("pesantren-sidogiri", "pesantren-sidogiri.key"), ("jatim-export", "jatim-export.key")] {
            let own = events.filter { $0["hadic:actor"]?.stringValue == "urn:hadic:party:\(party)" }
            XCTAssertFalse(own.isEmpty)
            guard case .object(var doc) = first else { return XCTFail("no document") }
            doc["epcisBody"] = .object(["eventList": .array(own)])
            let file = try write(JSONValue.object(doc).prettyPrinted(), to: "\(party).json")
            let r = hadic(["epcis", "import", file, "--data", b, "--key", Hadic.key(key), "--actor", party, "--map", map])
            XCTAssertEqual(r.lines.count, own.count, r.summary)
        }
        hadic(["verify", "--data", b, "--full"])

        let second = exportDocument(b, ["--all"])
        XCTAssertEqual(try validationProblems(second, name: "second.json"), [])
        XCTAssertEqual(Self.events(second), events, "export -> import -> export keeps every event exactly")
        XCTAssertEqual(Self.events(second).map(\.canonicalString), events.map(\.canonicalString))
        // Per lot too: ledger b's history of the product equals ledger a's.
        let product = "https://id.gs1.org/01/08991234000046/10/RTC"
        XCTAssertEqual(Self.events(exportDocument(b, [product, "--closure"])), Self.events(exportDocument(a, [product, "--closure"])))
        // The hashes b stored are the eventIDs the export wrote.
        for event in Self.events(second) {
            guard let hash = event["eventID"]?.stringValue else { continue }
            let found = hadic(["event", "--data", b, hash])
            XCTAssertTrue(found.stdout.contains(hash), found.summary)
        }
        // Importing the same document again is refused as duplicates, and changes nothing.
        let again = try write(second.prettyPrinted(), to: "again.json")
        let before = treeSize(b)
        let dup = hadic(["epcis", "import", again, "--data", b, "--key", Hadic.key("jatim-export.key"), "--actor", "jatim-export", "--map", map], exit: 1)
        XCTAssertEqual(dup.stdout, "")
        XCTAssertEqual(treeSize(b), before)
    }

    /// Imported events are written back as their originals, byte for byte as JSON values, with
    /// their prefixes; HADIC's own prefix steps aside when an imported event took `hadic`; a lot's
    /// export carries the error declarations of its events.
    func testImportedEventsAreWrittenBackAsTheirOriginals() throws {
        let dir = makeFixtureLedger()
        for document in ["import-rempah.jsonld", "import-declaration.jsonld"] {
            hadic(["epcis", "import", Hadic.fixture("epcis/\(document)"), "--data", dir, "--key", Hadic.key("rempah-madura-2.key"),
                   "--actor", "rempah-madura", "--map", Hadic.fixture("epcis/import-map.json")])
        }
        let all = exportDocument(dir, ["--all"])
        XCTAssertEqual(try validationProblems(all), [])
        let exported = Self.events(all)
        for document in ["import-rempah.jsonld", "import-declaration.jsonld"] {
            let original = try JSONValue.parse(Hadic.fixtureText("epcis/\(document)"))
            for (i, event) in Self.events(original).enumerated() {
                XCTAssertTrue(exported.contains(event), "\(document) event \(i) is exported unchanged")
            }
        }
        // The fixtures bind hadic to their own namespace: the ledger's extension uses hadic1.
        let context = all["@context"]?[1]
        XCTAssertEqual(context?["hadic"], "https://hadic.example/epcis/")
        XCTAssertEqual(context?["hadic1"], "urn:hadic:epcis:")
        let mapped = exported.filter { $0["hadic1:eventID"] != nil }
        XCTAssertEqual(mapped.count, exported.count - 8, "35 mapped fixture events, 6 + 2 imported ones")
        XCTAssertTrue(mapped.allSatisfy { $0["hadic:eventID"] == nil })

        // The commissioning of CAB2611A was declared erroneous: its lot's export says so.
        let lot = exportDocument(dir, ["urn:epc:class:lgtin:8991234.054321.CAB2611A"])
        XCTAssertEqual(try validationProblems(lot, name: "lot.json"), [])
        let declarations = Self.events(lot).filter { $0["errorDeclaration"] != nil }
        XCTAssertEqual(declarations.count, 1, "\(Self.events(lot).count) events")
        XCTAssertEqual(declarations.first?["errorDeclaration"]?["reason"], "incorrect_data")
    }

    /// Two imported events that bind one prefix to different namespaces cannot share a document:
    /// refused naming the prefix and both IRIs, nothing written; each can still be exported alone.
    func testConflictingImportedPrefixesAreRefusedByName() throws {
        let dir = makeFixtureLedger()
        let importArgs = ["--data", dir, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura", "--map", Hadic.fixture("epcis/import-map.json")]
        hadic(["epcis", "import", Hadic.fixture("epcis/import-rempah.jsonld")] + importArgs)
        let lot = "urn:epc:class:lgtin:8991234.054321.CAB2611Z"
        let other = try write("""
            {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"hadic": "https://other.example/ns/"}],
             "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-05T00:00:00Z",
             "epcisBody": {"eventList": [{"type": "ObjectEvent", "eventTime": "2026-11-05T00:00:00Z", "eventTimeZoneOffset": "+00:00",
               "action": "ADD", "bizStep": "commissioning", "quantityList": [{"epcClass": "\(lot)", "quantity": 5, "uom": "KGM"}],
               "hadic:note": "bound elsewhere"}]}}
            """, to: "other.jsonld")
        hadic(["epcis", "import", other] + importArgs)
        let out = path("all.jsonld")
        let r = hadic(["epcis", "export", "--data", dir, "--all", "--output", out], exit: 2)
        XCTAssertTrue(r.stderr.contains("\"hadic\"") && r.stderr.contains("https://hadic.example/epcis/") && r.stderr.contains("https://other.example/ns/"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let alone = exportDocument(dir, [lot])
        XCTAssertEqual(try validationProblems(alone), [])
        XCTAssertEqual(alone["@context"]?[1]?["hadic"], "https://other.example/ns/")
        XCTAssertEqual(Self.events(alone).first?["hadic:note"], "bound elsewhere")
    }

    /// The fixture chain's parties and certificates (its first 18 events), and nothing else.
    func masterDataLedger(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let dir = initFixtureLedger(name, file: file, line: line)
        let lines = Hadic.chainLines.prefix(18)
        XCTAssertTrue(lines.allSatisfy { $0.contains("\"type\":\"party.") || $0.contains("\"type\":\"cert.") }, file: file, line: line)
        let master = (try? write(lines.joined(separator: "\n") + "\n", to: "\(name)-master.jsonl")) ?? ""
        hadic(["append", "--data", dir, "--signed", master], file: file, line: line)
        return dir
    }

    /// Master data, then a chain on GS1 identifiers only: two ingredient lots, a transformation,
    /// an inspection, packing onto a pallet (SSCC), its shipment, receipt and unpacking.
    func gs1Ledger(_ name: String) throws -> String {
        let dir = masterDataLedger(name)
        let dl = "https://id.gs1.org/01"
        let made = sign([
            #"{"type":"lot.create","time":"2026-10-20T01:00:00Z","body":{"lot":"\#(dl)/08991234000022/10/RTA","product":"cabai kering","class":"chili","quantity":{"amount":"100","unit":"kg"},"facility":"pesantren-sidogiri/dapur-1"}}"#,
            #"{"type":"lot.create","time":"2026-10-20T01:10:00Z","body":{"lot":"\#(dl)/08991234000039/10/RTB","product":"kunyit","class":"turmeric","quantity":{"amount":"50.5","unit":"kg"}}}"#,
            #"{"type":"lot.transform","time":"2026-10-20T03:00:00Z","body":{"inputs":[{"lot":"\#(dl)/08991234000022/10/RTA","quantity":{"amount":"60","unit":"kg"}},{"lot":"\#(dl)/08991234000039/10/RTB","quantity":{"amount":"50500","unit":"g"}}],"outputs":[{"lot":"\#(dl)/08991234000046/10/RTC","product":"bumbu rendang","class":"spice-mix","quantity":{"amount":"1000","unit":"pcs"}}],"process":"grinding and mixing"}}"#,
            #"{"type":"lot.inspect","time":"2026-10-20T04:00:00Z","body":{"lot":"\#(dl)/08991234000046/10/RTC","test":"visual","result":"pass"}}"#,
            #"{"type":"lot.aggregate","time":"2026-10-20T05:00:00Z","body":{"parent":"urn:epc:id:sscc:8991234.0000000009","children":[{"lot":"\#(dl)/08991234000046/10/RTC","quantity":{"amount":"600","unit":"pcs"}}]}}"#,
            #"{"type":"custody.ship","time":"2026-10-20T06:00:00Z","body":{"to":"jatim-export","lots":[{"lot":"urn:epc:id:sscc:8991234.0000000009","quantity":{"amount":"1","unit":"pcs"}}]}}"#,
        ], key: "pesantren-sidogiri.key", actor: "pesantren-sidogiri")
        let shipment = Hadic.eventID(ofCanonicalEnvelope: made.last ?? "") ?? ""
        let taken = sign([
            #"{"type":"custody.receive","time":"2026-10-20T09:00:00Z","body":{"shipment":"\#(shipment)","lots":[{"lot":"urn:epc:id:sscc:8991234.0000000009","quantity":{"amount":"1","unit":"pcs"}}]}}"#,
            #"{"type":"lot.disaggregate","time":"2026-10-20T10:00:00Z","body":{"parent":"urn:epc:id:sscc:8991234.0000000009","children":[{"lot":"\#(dl)/08991234000046/10/RTC","quantity":{"amount":"600","unit":"pcs"}}]}}"#,
        ], key: "jatim-export.key", actor: "jatim-export")
        let file = try write((made + taken).joined(separator: "\n") + "\n", to: "\(name)-chain.jsonl")
        let r = hadic(["append", "--data", dir, "--signed", file])
        XCTAssertEqual(r.lines.count, 8, r.summary)
        return dir
    }

    // MARK: Helpers

    /// `hadic epcis export --data DIR ARGS`, parsed; fails the test on a non-zero exit.
    func exportDocument(_ dir: String, _ args: [String], file: StaticString = #filePath, line: UInt = #line) -> JSONValue {
        let r = hadic(["epcis", "export", "--data", dir] + args, file: file, line: line)
        guard let doc = try? JSONValue.parse(r.stdout) else {
            XCTFail("export printed no JSON: \(r.summary)", file: file, line: line)
            return .null
        }
        return doc
    }

    static func events(_ doc: JSONValue) -> [JSONValue] { doc["epcisBody"]?["eventList"]?.arrayValue ?? [] }

    static func hadicIDs(_ doc: JSONValue) -> [String] { events(doc).compactMap { $0["hadic:eventID"]?.stringValue } }

    /// The problems both validations find (empty when the document passes both).
    func validationProblems(_ doc: JSONValue, name: String = "doc.json") throws -> [String] {
        var problems = EPCISDocumentRules.problems(in: doc)
        let file = try write(doc.prettyPrinted(), to: name)
        let r = try Self.jsonLDCheck(file)
        if r.status != 0 || r.timedOut { problems.append("epcis-jsonld-check: \(r.summary)") }
        return problems
    }

    static let venvPython = Hadic.packageRoot.appendingPathComponent(".build/epcis-venv/bin/python").path

    struct MissingVenv: Error, CustomStringConvertible {
        var description: String { "\(EPCISExportTests.venvPython) is missing: run scripts/setup (it installs GS1's EPCIS 2.0 JSON-LD context from PyPI)" }
    }

    /// scripts/epcis-jsonld-check FILE with the venv's python; a missing venv throws (the test fails).
    static func jsonLDCheck(_ file: String) throws -> ProcessResult {
        guard FileManager.default.isExecutableFile(atPath: venvPython) else { throw MissingVenv() }
        let script = Hadic.packageRoot.appendingPathComponent("scripts/epcis-jsonld-check").path
        return try HadicProcess(executable: venvPython, [script, file]).wait(timeout: 120)
    }
}
