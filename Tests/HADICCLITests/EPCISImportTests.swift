import Foundation
import XCTest

/// `hadic epcis import` through the built binary on real SQLite files: each fixture document
/// mapped to the HADIC events, lots, quantities and custody it stands for; the EPCIS event hash
/// stored, looked up and checked (duplicates, a stated hash that is not the event's, tampering);
/// documents with bad events changing nothing; error declarations and the assessment; a node.
final class EPCISImportTests: HadicTestCase {
    static let chili = "urn:epc:class:lgtin:8991234.054321.CAB2611A"
    static let powder = "urn:epc:class:lgtin:8991234.054322.CPW2611A"
    static let jar = "urn:epc:id:sgtin:8991234.064321.JAR001"
    static let pallet = "urn:epc:id:sscc:8991234.0000000101"

    /// `hadic epcis import` of a fixture document (or a path) into `dir`, as `actor`.
    @discardableResult
    func importEPCIS(_ document: String, into dir: String, actor: String = "rempah-madura", key: String = "rempah-madura-2.key",
                     map: String? = nil, extra: [String] = [], exit status: Int32 = 0,
                     file: StaticString = #filePath, line: UInt = #line) -> ProcessResult {
        let path = document.hasPrefix("/") ? document : Hadic.fixture("epcis/\(document)")
        return hadic(["epcis", "import", "--data", dir, "--key", Hadic.key(key), "--actor", actor,
                      "--map", map ?? Hadic.fixture("epcis/import-map.json")] + extra + [path], exit: status, file: file, line: line)
    }

    /// (type, event id, hash) of each printed line, after its document index.
    func imported(_ r: ProcessResult) -> [(index: Int, type: String, id: String, hash: String)] {
        r.lines.compactMap { line in
            let f = line.split(separator: " ").map(String.init)
            guard f.count == 4, let i = Int(f[0]) else { return nil }
            return (i, f[1], f[2], f[3])
        }
    }

    func holdings(_ dir: String, _ lot: String) -> [String] {
        SQL.query(db(dir), "SELECT holder || '=' || amount FROM holdings WHERE lot = '\(lot)' AND amount > 0 ORDER BY holder")
    }

    /// The fixture document's events, as JSON objects.
    func fixtureEvents(_ document: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Hadic.fixture("epcis/\(document)")))
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let body = try XCTUnwrap(doc["epcisBody"] as? [String: Any])
        return try XCTUnwrap(body["eventList"] as? [[String: Any]])
    }

    func eventJSON(_ dir: String, _ idOrHash: String, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        let r = hadic(["event", "--data", dir, idOrHash], file: file, line: line)
        return Hadic.json(r.stdout) ?? [:]
    }

    // MARK: Mapping

    func testEachFixtureDocumentBecomesTheHADICEventsLotsQuantitiesAndCustodyItStandsFor() throws {
        let dir = makeFixtureLedger()
        let r = importEPCIS("import-rempah.jsonld", into: dir)
        let first = imported(r)
        XCTAssertEqual(first.map(\.type), ["lot.create", "lot.create", "lot.transform", "lot.inspect", "lot.aggregate", "custody.ship"], r.summary)
        XCTAssertEqual(first.map(\.index), Array(0..<6))
        XCTAssertTrue(first.allSatisfy { $0.hash.hasPrefix("ni:///sha-256;") && $0.hash.hasSuffix("?ver=CBV2.0") && Hadic.isEventID($0.id) })
        XCTAssertEqual(Set(first.map(\.hash)).count, 6, "six events, six hashes")
        XCTAssertEqual(treeSize(dir), 59, "one block of six events after the 53 of the chain")

        // Class-level LGTIN with a quantity: a lot of that quantity; a serialised SGTIN: 1 pcs.
        XCTAssertEqual(SQL.query(db(dir), "SELECT product || '|' || class || '|' || dimension || '|' || creator FROM lots WHERE id = '\(Self.chili)'"),
                       ["cabai merah kering (dried red chili)|chili|mass|rempah-madura"])
        XCTAssertEqual(holdings(dir, Self.chili), ["rempah-madura=50000000000"], "200 kg made, 150 kg transformed")
        XCTAssertEqual(holdings(dir, Self.jar), ["rempah-madura=1000000"], "one serialised item is 1 pcs")
        XCTAssertEqual(SQL.query(db(dir), "SELECT kind FROM lots WHERE id = '\(Self.pallet)'"), ["container"])
        XCTAssertEqual(SQL.query(db(dir), "SELECT amount FROM containment WHERE parent = '\(Self.pallet)' AND lot = '\(Self.powder)'"), ["100000000000"])
        XCTAssertEqual(SQL.query(db(dir), "SELECT sender || '>' || recipient || '|' || ifnull(received_by, '-') FROM shipments WHERE event_id = '\(first[5].id)'"),
                       ["rempah-madura>pesantren-sidogiri|-"], "the destination's owning party (a PGLN in the map) is the recipient")
        let inspect = try XCTUnwrap(eventJSON(dir, first[3].id)["event"] as? [String: Any])
        let inspectBody = try XCTUnwrap(inspect["body"] as? [String: Any])
        XCTAssertEqual(inspectBody["result"] as? String, "pass", "disposition conformant")
        XCTAssertEqual(inspectBody["test"] as? String, "epcis-inspecting")

        // The receiver imports its own document: the receipt finds the shipment, the unpacking takes everything.
        let r2 = importEPCIS("import-sidogiri.jsonld", into: dir, actor: "pesantren-sidogiri", key: "pesantren-sidogiri.key")
        XCTAssertEqual(imported(r2).map(\.type), ["custody.receive", "lot.disaggregate"], r2.summary)
        XCTAssertEqual(SQL.query(db(dir), "SELECT received_by FROM shipments WHERE event_id = '\(first[5].id)'"), [imported(r2)[0].id])
        XCTAssertEqual(holdings(dir, Self.powder), ["pesantren-sidogiri=100000000000", "rempah-madura=40000000000"])
        XCTAssertEqual(SQL.query(db(dir), "SELECT amount FROM containment WHERE parent = '\(Self.pallet)' AND lot = '\(Self.powder)'"), ["0"])
        let trace = hadic(["trace", "back", "--data", dir, Self.powder]).stdout
        XCTAssertTrue(trace.contains(Self.chili), "the powder's ingredient is the chili: \(trace)")

        // The original event is kept unchanged in the signed body, with its hash.
        let originals = try fixtureEvents("import-rempah.jsonld")
        for (i, row) in first.enumerated() {
            let found = eventJSON(dir, row.hash)
            XCTAssertEqual(found["id"] as? String, row.id, "looked up by its hash")
            XCTAssertEqual(found["epcis_hash"] as? String, row.hash)
            XCTAssertEqual(found["epcis_hash_version"] as? String, "CBV2.0")
            let body = try XCTUnwrap((found["event"] as? [String: Any])?["body"] as? [String: Any])
            let epcis = try XCTUnwrap(body["epcis"] as? [String: Any])
            XCTAssertEqual(epcis["hash"] as? String, row.hash)
            XCTAssertEqual(epcis["event"] as? NSDictionary, originals[i] as NSDictionary, "event \(i) kept as in the document")
        }
        let withExtension = try XCTUnwrap(((eventJSON(dir, first[0].hash)["event"] as? [String: Any])?["body"] as? [String: Any])?["epcis"] as? [String: Any])
        XCTAssertEqual(withExtension["namespaces"] as? [String: String], ["hadic": "https://hadic.example/epcis/"], "only the prefixes it uses")
        // An inclusion proof names the event by its hash as well as by its id.
        XCTAssertEqual(hadic(["proof", "inclusion", "--data", dir, first[2].hash]).stdout, hadic(["proof", "inclusion", "--data", dir, first[2].id]).stdout)
        hadic(["verify", "--data", dir, "--full"])
        hadic(["event", "--data", dir, "ni:///sha-256;\(String(repeating: "0", count: 64))?ver=CBV2.0"], exit: 2)
    }

    // MARK: Hashes

    func testAnEventWhoseHashIsAlreadyInTheLedgerIsRefusedAsAnEPCISDuplicate() throws {
        let dir = makeFixtureLedger()
        importEPCIS("import-rempah.jsonld", into: dir)
        let before = SQL.dumpLedger(db(dir))
        // The same EPCIS events mapped with other product names: other HADIC events, same EPCIS hashes.
        let map = try String(contentsOfFile: Hadic.fixture("epcis/import-map.json"), encoding: .utf8)
            .replacingOccurrences(of: "dried red chili", with: "chili, dried")
        let r = importEPCIS("import-rempah.jsonld", into: dir, map: try write(map, to: "map.json"), extra: ["--skip-invalid"], exit: 1)
        XCTAssertTrue(r.stderr.contains("EPCIS event 0 (urn:uuid:6f1c7a10-0b1e-4c55-9d3a-000000000001) field (event): HADIC refuses the mapped lot.create: rule epcis-duplicate"),
                      r.summary)
        XCTAssertEqual(SQL.dumpLedger(db(dir)), before, "nothing of a duplicate is stored")
        // Within one document too: the second of two copies of an event is the duplicate.
        let events = try fixtureEvents("import-rempah.jsonld")
        let twice = try write(try documentText([events[1], events[1]]), to: "twice.jsonld")
        let fresh = makeFixtureLedger("fresh")
        let r2 = importEPCIS(twice, into: fresh, exit: 1)
        XCTAssertTrue(r2.stderr.contains("EPCIS event 1") && r2.stderr.contains("rule duplicate"), r2.summary)
        XCTAssertEqual(treeSize(fresh), 53)
    }

    func documentText(_ events: [[String: Any]]) throws -> String {
        let doc: [String: Any] = [
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", ["hadic": "https://hadic.example/epcis/"]],
            "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-05T00:00:00Z",
            "epcisBody": ["eventList": events],
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self)
    }

    /// An `epcis` member must state its event's hash: the sequencer recomputes it (`epcis-hash`),
    /// whatever path the event comes by (here a plain `hadic append` of a hand-made template).
    func testAnEPCISMemberWhoseStatedHashIsNotItsEventsHashIsRefused() throws {
        let source = makeFixtureLedger("source")
        let created = imported(importEPCIS("import-rempah.jsonld", into: source))[0]
        let stored = try XCTUnwrap(eventJSON(source, created.id)["event"] as? [String: Any])
        var body = try XCTUnwrap(stored["body"] as? [String: Any])
        func template(_ body: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: ["type": "lot.create", "time": stored["time"] as Any, "body": body]), as: UTF8.self)
        }
        let dir = makeFixtureLedger()
        let before = SQL.dumpLedger(db(dir))
        var epcis = try XCTUnwrap(body["epcis"] as? [String: Any])
        let hash = created.hash
        epcis["hash"] = "ni:///sha-256;" + String(repeating: "ab", count: 32) + "?ver=CBV2.0"
        var forged = body
        forged["epcis"] = epcis
        let r = hadic(["append", "--data", dir, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura",
                       try write(try template(forged) + "\n", to: "forged.jsonl")], exit: 1)
        XCTAssertTrue(r.stdout.contains("refused rule epcis-hash: body.epcis.hash is ni:///sha-256;abab"), r.summary)
        XCTAssertTrue(r.stdout.contains("but the kept EPCIS event hashes to \(hash)"), r.summary)
        // The kept event altered (its quantity), its old hash kept: refused too.
        var altered = epcis
        altered["hash"] = hash
        var event = try XCTUnwrap(epcis["event"] as? [String: Any])
        event["quantityList"] = [["epcClass": Self.chili, "quantity": 2000, "uom": "KGM"]]
        altered["event"] = event
        body["epcis"] = altered
        let r2 = hadic(["append", "--data", dir, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura",
                        try write(try template(body) + "\n", to: "altered.jsonl")], exit: 1)
        XCTAssertTrue(r2.stdout.contains("refused rule epcis-hash"), r2.summary)
        XCTAssertEqual(SQL.dumpLedger(db(dir)), before)
        // The member as imported is admitted by the plain append path as well.
        body["epcis"] = epcis.merging(["hash": hash]) { _, new in new }
        hadic(["append", "--data", dir, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura",
               try write(try template(body) + "\n", to: "as-imported.jsonl")])
        XCTAssertEqual(eventJSON(dir, hash)["epcis_hash"] as? String, hash)
    }

    func testVerifyFullFailsWhenAStoredHashRowIsTamperedWithAndReindexRepairsIt() throws {
        let dir = makeFixtureLedger()
        let rows = imported(importEPCIS("import-rempah.jsonld", into: dir))
        hadic(["verify", "--data", dir, "--full"])
        let tampers = [
            "UPDATE epcis_event_hashes SET hash = 'ni:///sha-256;\(String(repeating: "1", count: 64))?ver=CBV2.0' WHERE hash = '\(rows[2].hash)'",
            "UPDATE epcis_event_hashes SET leaf_index = leaf_index + 1 WHERE hash = '\(rows[0].hash)'",
            "DELETE FROM epcis_event_hashes WHERE hash = '\(rows[5].hash)'",
            "UPDATE epcis_event_hashes SET declared_by = '\(rows[1].id)' WHERE hash = '\(rows[3].hash)'",
        ]
        for sql in tampers {
            let copy = try copyLedger(dir, to: "tampered-\(UUID().uuidString)")
            XCTAssertEqual(SQL.exec(db(copy), sql).status, 0)
            let r = hadic(["verify", "--data", copy, "--full"], exit: 1)
            XCTAssertTrue(r.stderr.contains("epcis_event_hashes") || r.stdout.contains("epcis_event_hashes"), "\(sql): \(r.summary)")
            let audit = hadic(["audit", "--data", copy, "--json"], exit: 1)
            XCTAssertTrue(audit.stdout.contains("epcis_event_hashes"), "audit after \(sql): \(audit.summary)")
            hadic(["reindex", "--data", copy])
            hadic(["verify", "--data", copy, "--full"])
            XCTAssertEqual(SQL.dumpDerived(db(copy)), SQL.dumpDerived(db(dir)))
            XCTAssertEqual(SQL.query(db(copy), "SELECT hash || ' ' || leaf_index FROM epcis_event_hashes ORDER BY leaf_index"),
                           SQL.query(db(dir), "SELECT hash || ' ' || leaf_index FROM epcis_event_hashes ORDER BY leaf_index"))
        }
        XCTAssertEqual(SQL.query(db(dir), "SELECT leaf_index FROM epcis_event_hashes ORDER BY leaf_index"), (53..<59).map(String.init))
    }

    // MARK: Failing documents

    func testADocumentWithOneUnmappableEventChangesNothingAndSkipInvalidAppliesTheRest() throws {
        let dir = makeFixtureLedger()
        let before = SQL.dumpLedger(db(dir))
        let r = importEPCIS("import-one-bad.jsonld", into: dir, exit: 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("EPCIS event 1 (urn:uuid:9b3e9c32-2d3a-4e77-9f5c-000000000002) field bizStep: ObjectEvent OBSERVE with bizStep https://ref.gs1.org/cbv/BizStep-storing has no HADIC event"),
                      r.summary)
        XCTAssertTrue(r.stderr.contains("1 of 3 EPCIS events cannot be imported; nothing was imported"), r.summary)
        XCTAssertEqual(SQL.dumpLedger(db(dir)), before, "the ledger head is unchanged")

        let skipped = importEPCIS("import-one-bad.jsonld", into: dir, extra: ["--skip-invalid"], exit: 1)
        XCTAssertEqual(imported(skipped).map(\.index), [0, 2], skipped.summary)
        XCTAssertTrue(skipped.stderr.contains("EPCIS event 1 (urn:uuid:9b3e9c32-2d3a-4e77-9f5c-000000000002) field bizStep"), skipped.summary)
        XCTAssertEqual(treeSize(dir), 55)
        XCTAssertEqual(holdings(dir, "urn:epc:class:lgtin:8991234.054321.CAB2612A"), ["rempah-madura=80000000000"])
        hadic(["verify", "--data", dir, "--full"])
    }

    func testDocumentsThatDoNotReadFailNamingTheFieldAndChangeNothing() throws {
        let dir = makeFixtureLedger()
        let before = SQL.dumpLedger(db(dir))
        let good = try fixtureEvents("import-one-bad.jsonld")[0]
        func event(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
            var e = good
            change(&e)
            return e
        }
        let cases: [(name: String, text: String, expect: String)] = [
            ("bad JSON", "{\"type\": \"EPCISDocument\", \"epcisBody\": {\"eventList\": [}", "not valid JSON"),
            ("unknown event type", try documentText([good, event { $0["type"] = "ShippingEvent" }]),
             "EPCIS event 1 field type: unknown event type \"ShippingEvent\""),
            ("missing eventTime", try documentText([event { $0["eventTime"] = nil }]), "EPCIS event 0 field eventTime"),
            ("malformed EPC", try documentText([good, event { $0["quantityList"] = [["epcClass": "urn:epc:class:lgtin:8991234.05432X.LOT", "quantity": 1, "uom": "KGM"]] }]),
             "EPCIS event 1 field quantityList[0].epcClass"),
        ]
        for c in cases {
            let r = importEPCIS(try write(c.text, to: "\(c.name).jsonld"), into: dir, extra: ["--skip-invalid"], exit: 2)
            XCTAssertTrue(r.stderr.contains(c.expect), "\(c.name): \(r.summary)")
            XCTAssertTrue(r.stderr.contains("nothing was imported"), "\(c.name): \(r.summary)")
            XCTAssertEqual(r.stdout, "", c.name)
            XCTAssertEqual(SQL.dumpLedger(db(dir)), before, "\(c.name): the ledger is unchanged")
        }
    }

    /// The hash helper's example documents (one per event type) name lots, parties and products
    /// the fixture ledger does not have: each of their events is reported with its index,
    /// eventID, field and reason, and nothing is imported.
    func testTheHashExampleDocumentsAreReportedEventByEventAndChangeNothing() throws {
        let dir = makeFixtureLedger()
        let before = SQL.dumpLedger(db(dir))
        let expected: [(String, String)] = [
            ("object-event.jsonld", "field epcList: an ObjectEvent ADD creates one HADIC lot; this one names 3"),
            ("aggregation-event.jsonld", "rule unknown-reference: lot urn:epc:id:sgtin:9551234.098765.5001 is unknown"),
            ("association-event.jsonld", "field type: AssociationEvent has no HADIC event"),
            ("query-document.jsonld", "field sourceList[0]: no HADIC party for urn:epc:id:pgln:9551234.00000"),
            ("transaction-event.jsonld", "field destinationList[0]: no HADIC party for urn:epc:id:pgln:0614141.00000"),
            ("transformation-event.jsonld", "field outputQuantityList[0].epcClass: no product and class for GTIN 09551234987656"),
        ]
        for (document, reason) in expected {
            let r = importEPCIS(document, into: dir, extra: ["--skip-invalid"], exit: 1)
            XCTAssertTrue(r.stderr.contains("EPCIS event 0 (urn:uuid:") && r.stderr.contains(reason), "\(document): \(r.summary)")
            XCTAssertEqual(r.stdout, "", document)
            XCTAssertEqual(SQL.dumpLedger(db(dir)), before, document)
        }
    }

    // MARK: Error declarations

    func testAnErrorDeclarationNamesTheEventAndTheAssessmentNoLongerRestsOnIt() throws {
        let dir = makeFixtureLedger()
        let rows = imported(importEPCIS("import-rempah.jsonld", into: dir))
        func nonconform(at time: String? = nil) throws -> [String: Any] {
            var args = ["assess", "--data", dir, Self.powder, "--market", "ID", "--json"]
            if let time { args += ["--at", time] }
            let r = Hadic.run(args)
            let report = try XCTUnwrap(Hadic.json(r.stdout), r.summary)
            let rules = try XCTUnwrap(report["rules"] as? [[String: Any]])
            return try XCTUnwrap(rules.first { $0["rule"] as? String == "R-NONCONFORM" })
        }
        XCTAssertEqual(try nonconform()["outcome"] as? String, "pass")

        // Another party that is neither the declared event's actor, a certifier nor an admin may not declare it.
        let wrong = importEPCIS("import-declaration.jsonld", into: dir, actor: "pesantren-sidogiri", key: "pesantren-sidogiri.key", exit: 1)
        XCTAssertTrue(wrong.stderr.contains("EPCIS event 1") && wrong.stderr.contains("rule role: only the declared event's actor (rempah-madura)"), wrong.summary)

        let r = importEPCIS("import-declaration.jsonld", into: dir)
        let declared = imported(r)
        XCTAssertEqual(declared.map(\.type), ["lot.create", "event.declare-error"], r.summary)
        XCTAssertEqual(declared[1].hash, rows[0].hash, "a declaration hashes as the event it declares")
        let corrective = declared[0]
        let looked = eventJSON(dir, rows[0].hash)
        XCTAssertEqual(looked["id"] as? String, rows[0].id)
        XCTAssertEqual(looked["declared_by"] as? String, declared[1].id)
        let body = try XCTUnwrap((eventJSON(dir, declared[1].id)["event"] as? [String: Any])?["body"] as? [String: Any])
        XCTAssertEqual(body["event"] as? String, rows[0].id)
        XCTAssertEqual(body["reason"] as? String, "https://ref.gs1.org/cbv/ER-incorrect_data")
        XCTAssertEqual(body["corrective"] as? [String], [corrective.hash])

        let rule = try nonconform()
        XCTAssertEqual(rule["outcome"] as? String, "fail")
        let problems = try XCTUnwrap(rule["problems"] as? [[String: Any]])
        let message = try XCTUnwrap(problems.first?["message"] as? String)
        XCTAssertEqual(problems.first?["event"] as? String, rows[0].id, "the problem names the declared event")
        XCTAssertTrue(message.contains("declared not to have occurred as recorded by event \(declared[1].id.prefix(12))"), message)
        XCTAssertTrue(message.contains("reason https://ref.gs1.org/cbv/ER-incorrect_data"), message)
        XCTAssertTrue(message.contains("corrective events: \(corrective.hash) (event \(corrective.id.prefix(12)))"), message)
        XCTAssertEqual(Hadic.run(["assess", "--data", dir, Self.powder, "--market", "ID"]).status, 1)
        // As the ledger stood before the declaration, the assessment rested on the event.
        XCTAssertEqual(try nonconform(at: "2026-11-02T12:00:00Z")["outcome"] as? String, "pass")

        // Declared once only (a second declaration, made later, is refused); and the ledger verifies.
        var second = try fixtureEvents("import-declaration.jsonld")[1]
        var declaration = try XCTUnwrap(second["errorDeclaration"] as? [String: Any])
        declaration["declarationTime"] = "2026-11-04T10:00:00.000+07:00"
        second["errorDeclaration"] = declaration
        let again = importEPCIS(try write(try documentText([second]), to: "second.jsonld"), into: dir, exit: 1)
        XCTAssertTrue(again.stderr.contains("EPCIS event 0") && again.stderr.contains("rule status: event \(rows[0].id.prefix(12)) was already declared erroneous"),
                      again.summary)
        hadic(["verify", "--data", dir, "--full"])
    }

    // MARK: Through a node

    func testImportThroughANodeChecksLocallyAndReportsWhatTheNodeAdmits() throws {
        let dir = makeFixtureLedger()
        let node = try startNode(dir, port: NodeHarness.freePort(), ["--block-max-delay-ms", "10"])
        var running = true
        defer { if running { stopNode(node) } }
        func viaNode(_ document: String, actor: String = "rempah-madura", key: String = "rempah-madura-2.key", exit status: Int32) -> ProcessResult {
            hadic(["epcis", "import", "--node", node.address, "--key", Hadic.key(key), "--actor", actor,
                   "--map", Hadic.fixture("epcis/import-map.json"), Hadic.fixture("epcis/\(document)")], exit: status)
        }
        let bad = viaNode("import-one-bad.jsonld", exit: 1)
        XCTAssertTrue(bad.stderr.contains("field bizStep") && bad.stderr.contains("nothing was imported"), bad.summary)
        XCTAssertEqual(nodeStatus(node)?["tree_size"] as? Int, 53, "nothing was sent")

        let r = viaNode("import-rempah.jsonld", exit: 0)
        XCTAssertEqual(imported(r).map(\.type), ["lot.create", "lot.create", "lot.transform", "lot.inspect", "lot.aggregate", "custody.ship"], r.summary)
        waitForTreeSize(node, 59)
        // The receipt is mapped against the node's ledger, downloaded and replayed here.
        let r2 = viaNode("import-sidogiri.jsonld", actor: "pesantren-sidogiri", key: "pesantren-sidogiri.key", exit: 0)
        XCTAssertEqual(imported(r2).map(\.type), ["custody.receive", "lot.disaggregate"], r2.summary)
        waitForTreeSize(node, 61)
        // An imported event is found through the node by its EPCIS hash, as in the directory.
        let hash = SQL.query(db(dir), "SELECT hash FROM epcis_event_hashes ORDER BY leaf_index LIMIT 1")[0]
        let remote = hadic(["event", "--node", node.address, hash])
        XCTAssertTrue(remote.stdout.contains("\"epcis_hash\""), remote.summary)
        XCTAssertEqual(remote.stdout, hadic(["event", "--data", dir, hash]).stdout)
        let again = viaNode("import-rempah.jsonld", exit: 1)
        XCTAssertTrue(again.stderr.contains("rule duplicate"), again.summary)
        stopNode(node)
        running = false
        hadic(["verify", "--data", dir, "--full"])
        XCTAssertEqual(SQL.query(db(dir), "SELECT count(*) FROM epcis_event_hashes"), ["8"])
        XCTAssertEqual(holdings(dir, Self.powder), ["pesantren-sidogiri=100000000000", "rempah-madura=40000000000"])
    }
}
