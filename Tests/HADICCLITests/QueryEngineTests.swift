import Foundation
import HADICCore
import HADICLedger
import HADICQuery
import HADICStore
import XCTest

/// The query state a node keeps (``KeptQueryState``, ``QueryEngine``) answers exactly as a
/// fresh ``QueryRunner`` does, block after block, as the ledger grows with events that change
/// lots, custody, nonconformities, certificates and the policy.
final class QueryEngineTests: HadicTestCase {
    static let markets = ["MY", "ID", "AE"]
    /// A time after every event of the test, and one in the middle of the fixture chain.
    static let times = ["2026-12-01T00:00:00Z", "2026-10-10T12:00:00Z"]

    /// Every lot and container in the ledger, sorted.
    private func allLots(_ store: SQLiteLedgerStore) throws -> [LotID] {
        var lots: [LotID] = []
        try store.everyLot { id, _, _ in lots.append(id) }
        return lots.sorted { $0.rawValue < $1.rawValue }
    }

    /// Every query the kept state answers, for every lot: both traces in two forms, and the
    /// assessment for each market at each time.
    private func queries(_ lots: [LotID]) -> [LedgerQuery] {
        var out: [LedgerQuery] = []
        for lot in lots {
            out += [.traceBack(lot: lot, format: .json), .traceForward(lot: lot, format: .json)]
            for market in Self.markets {
                for time in Self.times { out.append(.assess(lot: lot, market: market, at: Timestamp(time), json: true, verifySignatures: false)) }
            }
        }
        return out
    }

    /// The answer, or the error's description (an unknown lot, a lot made after the time asked).
    private func outcome(_ runner: QueryRunner, _ query: LedgerQuery) -> String {
        do {
            let a = try runner.answer(query, now: Timestamp("2027-01-01T00:00:00Z")!)
            return "\(a.status)\n\(a.output)"
        } catch {
            return "error: \(error)"
        }
    }

    /// Compares the kept state's answers with a fresh runner's for every lot; returns how many differ.
    @discardableResult
    private func compare(_ kept: KeptQueryState, _ store: SQLiteLedgerStore, _ dir: String, step: String,
                         file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        XCTAssertEqual(kept.treeSize, try store.treeSize(), "\(step): the kept state is at the store's size", file: file, line: line)
        var differ = 0
        for query in queries(try allLots(store)) {
            let cold = outcome(QueryRunner(store: store), query)
            let warm = outcome(QueryRunner(store: store, kept: kept), query)
            if cold != warm {
                differ += 1
                if differ <= 3 {
                    XCTFail("\(step): \(query.json.canonicalString) differs:\n--- fresh\n\(cold.prefix(1500))\n--- kept\n\(warm.prefix(1500))", file: file, line: line)
                }
            }
        }
        XCTAssertEqual(differ, 0, "\(step): answers that differ", file: file, line: line)
        return differ
    }

    /// Signs `templates` (JSON lines) as `actor` with `key` and appends them as one block;
    /// returns each event's id.
    private func append(_ dir: String, _ actor: String, key: String, _ templates: [String],
                        file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let path = try write(templates.joined(separator: "\n") + "\n", to: "step-\(UUID().uuidString).jsonl")
        let r = hadic(["append", "--data", dir, "--key", Hadic.key(key), "--actor", actor, path], file: file, line: line)
        XCTAssertEqual(r.lines.count, templates.count, r.summary, file: file, line: line)
        XCTAssertTrue(r.lines.allSatisfy(Hadic.isEventID), r.summary, file: file, line: line)
        return r.lines
    }

    private func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    func testTheKeptStateAnswersAsAFreshRunnerAfterEveryBlock() throws {
        let dir = makeFixtureLedger()
        let store = try SQLiteLedgerStore(path: db(dir), readOnly: true)
        let kept = try KeptQueryState(store: store, cacheCapacity: 500_000)
        let (loaded, _) = try kept.preload(markets: nil, at: Timestamp(Self.times[0])!)
        XCTAssertTrue(loaded.complete)
        XCTAssertTrue(kept.evidence.cache.whole)
        try compare(kept, store, dir, step: "fixture chain")

        var steps: [(String, () throws -> Void)] = []
        // Each rule's case (new lots made from existing ones, shipments and receipts, an
        // aggregation, incidents, inspections, a certificate issued and one suspended, a party
        // registered): one block per file; cases that contradict earlier ones are refused, as is.
        let cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Hadic.fixture("assessment/cases.json")))) as? [[String: Any]])
        for file in cases.compactMap({ $0["file"] as? String }) {
            steps.append(("case \(file)", { _ = Hadic.run(["append", "--data", dir, "--signed", Hadic.fixture("assessment/\(file)")]) }))
        }
        let spice = "rempah-madura/spice-mix-2"
        steps.append(("a new lot made from two existing lots", {
            _ = try self.append(dir, "rempah-madura", key: "rempah-madura-2.key", [try self.json([
                "time": "2026-10-21T01:00:00Z", "type": "lot.transform",
                "body": ["inputs": [["lot": "rempah-madura/kunyit-2026-10-01", "quantity": ["amount": "40", "unit": "kg"]],
                                    ["lot": "rempah-madura/cabai-2026-10-01", "quantity": ["amount": "50", "unit": "kg"]]],
                         "outputs": [["lot": spice, "product": "rendang spice mix", "class": "spice-mix", "quantity": ["amount": "90", "unit": "kg"]]],
                         "process": "grinding and blending"]])])
        }))
        steps.append(("its shipment and receipt, and a product made from it", {
            let ship = try self.append(dir, "rempah-madura", key: "rempah-madura-2.key", [try self.json([
                "time": "2026-10-21T02:00:00Z", "type": "custody.ship",
                "body": ["to": "pesantren-sidogiri", "lots": [["lot": spice, "quantity": ["amount": "90", "unit": "kg"]]],
                         "carrier": "dingin-logistik", "vehicle": "dingin-logistik/van-M-3321-C", "segregated": true]])])
            _ = try self.append(dir, "pesantren-sidogiri", key: "pesantren-sidogiri.key", [
                try self.json(["time": "2026-10-21T08:00:00Z", "type": "custody.receive",
                               "body": ["shipment": ship[0], "lots": [["lot": spice, "quantity": ["amount": "90", "unit": "kg"]]],
                                        "storage": "pesantren-sidogiri/gudang-kering"]]),
                try self.json(["time": "2026-10-22T04:00:00Z", "type": "lot.transform",
                               "body": ["inputs": [["lot": spice, "quantity": ["amount": "90", "unit": "kg"]]],
                                        "outputs": [["lot": "pesantren-sidogiri/rendang-2026-10-22", "product": "rendang daging beku 500 g",
                                                     "class": "ready-meal", "quantity": ["amount": "180", "unit": "pcs"]]],
                                        "process": "slow cooking"]]),
            ])
        }))
        steps.append(("an incident on a raw lot upstream of both products", {
            _ = try self.append(dir, "lppom-mui", key: "lppom-mui.key", [try self.json([
                "time": "2026-10-23T01:00:00Z", "type": "lot.incident",
                "body": ["lot": "rempah-madura/kunyit-2026-10-01", "kind": "contamination", "description": "foreign matter in a retained sample"]])])
        }))
        steps.append(("a recall of the rendang's beef", {
            _ = try self.append(dir, "daging-nusantara", key: "daging-nusantara.key", [try self.json([
                "time": "2026-10-23T02:00:00Z", "type": "lot.recall",
                "body": ["lot": "daging-nusantara/chunks-2026-10-006", "reason": "cold chain broken in storage"]])])
        }))
        steps.append(("the spice maker's certificate suspended", {
            _ = try self.append(dir, "bpjph", key: "bpjph.key", [try self.json([
                "time": "2026-10-24T01:00:00Z", "type": "cert.suspend",
                "body": ["number": "ID-BPJPH-2026-30877", "reason": "audit found an unapproved supplier"]])])
        }))
        steps.append(("the slaughterhouse's certificate revoked", {
            _ = try self.append(dir, "bpjph", key: "bpjph.key", [try self.json([
                "time": "2026-10-24T02:00:00Z", "type": "cert.revoke",
                "body": ["number": "ID-BPJPH-RPH-2026-0117", "reason": "slaughter without a certified juru sembelih"]])])
        }))
        // Events that change what was worked out about old steps (the memos a ledger-wide
        // change must drop): coverage of a shipment made before the certificate was recorded,
        // and signer checks of events made before the rotation that retired their key was recorded.
        steps.append(("a logistics certificate for the spice supplier, valid from before its shipments", {
            _ = try self.append(dir, "jakim", key: "jakim.key", [try self.json([
                "time": "2026-10-24T03:00:00Z", "type": "cert.issue",
                "body": ["number": "MY-JAKIM-MS2400-2026-0131", "holder": "rempah-madura", "scheme": "JAKIM MS2400",
                         "scope": ["services": ["transport", "warehousing"]],
                         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2028-12-31T23:59:59Z"]])])
        }))
        steps.append(("the carrier's key retired by a rotation dated before its events", {
            let carrierEvent = Hadic.fixtureText("chain/events.jsonl").split(separator: "\n").first { $0.contains("\"actor\":\"dingin-logistik\"") }
            let event = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(carrierEvent).utf8)) as? [String: Any])
            let keyID = try XCTUnwrap(event["key"] as? String)
            let pem = try String(contentsOfFile: Hadic.key("ghost.key.pub"), encoding: .utf8)
            let spki = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            _ = try self.append(dir, "hcms-admin", key: "hcms-admin.key", [try self.json([
                "time": "2026-10-01T02:00:00Z", "type": "party.rotate-key",
                "body": ["party": "dingin-logistik", "public_key": spki, "retire": [keyID]]])])
        }))
        steps.append(("a new policy: Malaysia no longer takes BPJPH", {
            let line = Hadic.fixtureText("chain/templates.jsonl").split(separator: "\n").first { $0.contains("\"policy.set\"") }
            var policy = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(line).utf8)) as? [String: Any])
            var body = try XCTUnwrap(policy["body"] as? [String: Any])
            var markets = try XCTUnwrap(body["markets"] as? [String: Any])
            var my = try XCTUnwrap(markets["MY"] as? [String: Any])
            my["issuers"] = [["party": "jakim"]]
            markets["MY"] = my
            body["markets"] = markets
            body["note"] = "second edition: Malaysia without BPJPH"
            policy = ["time": "2026-10-25T00:00:00Z", "type": "policy.set", "body": body]
            _ = try self.append(dir, "hcms-admin", key: "hcms-admin.key", [try self.json(policy)])
        }))

        // Events imported from GS1 EPCIS (each carrying its original event), then an EPCIS
        // error declaration of the first one: the assessments of every lot made from it must
        // stop resting on it (R-NONCONFORM), in the kept state as in a fresh runner.
        func importEPCIS(_ document: String, _ actor: String, key: String) {
            let r = Hadic.run(["epcis", "import", "--data", dir, "--key", Hadic.key(key), "--actor", actor,
                               "--map", Hadic.fixture("epcis/import-map.json"), Hadic.fixture("epcis/\(document)")])
            XCTAssertEqual(r.status, 0, r.summary)
        }
        steps.append(("an EPCIS document: lots commissioned, transformed, inspected, packed and shipped", {
            importEPCIS("import-rempah.jsonld", "rempah-madura", key: "rempah-madura-2.key")
        }))
        steps.append(("its EPCIS receipt and unpacking", {
            importEPCIS("import-sidogiri.jsonld", "pesantren-sidogiri", key: "pesantren-sidogiri.key")
        }))
        steps.append(("an EPCIS error declaration of the chili's commissioning, with its corrective event", {
            importEPCIS("import-declaration.jsonld", "rempah-madura", key: "rempah-madura-2.key")
        }))

        var global = 0, touched = 0, declarations = 0
        for (name, step) in steps {
            let before = try store.treeSize()
            try step()
            XCTAssertGreaterThan(try store.treeSize(), before, "\(name): appended nothing")
            let advance = try kept.advance()
            if advance.global { global += 1 }
            if advance.declarations { declarations += 1 }
            touched += advance.touchedLots
            // The lots read again (and those made from them) are prepared again, as at start.
            XCTAssertEqual(advance.prepared != nil, advance.touchedLots > 0, name)
            try compare(kept, store, dir, step: name)
        }
        XCTAssertGreaterThanOrEqual(global, 6, "certificate, party and policy events were seen as ledger-wide changes")
        XCTAssertGreaterThan(touched, 20)
        XCTAssertEqual(declarations, 1, "the error declaration was read again once")
        XCTAssertTrue(kept.evidence.cache.whole, "touched lots were read again whole")
    }

    /// The engine a node runs: cold until its state is loaded (in the background), then from
    /// the kept state, moved forward to the store's size before each answer.
    func testTheEngineAnswersColdUntilReadyThenFromTheKeptState() throws {
        let dir = makeFixtureLedger()
        let store = try SQLiteLedgerStore(path: db(dir), readOnly: true)
        var settings = QueryEngine.Settings()
        settings.advanceDelayMs = 0
        let engine = QueryEngine(store: store, settings: settings)
        let lot = try XCTUnwrap(LotID(AssessTests.rendang))
        let query = LedgerQuery.assess(lot: lot, market: "MY", at: Timestamp(Self.times[0]), json: true, verifySignatures: false)
        let now = try XCTUnwrap(Timestamp("2027-01-01T00:00:00Z"))
        XCTAssertEqual(try engine.answer(query, now: now), try QueryRunner(store: store).answer(query, now: now))
        XCTAssertEqual(engine.counts.kept, 0, "not started: answered cold")
        engine.start()
        engine.settle()
        XCTAssertEqual(engine.phase, .ready(treeSize: try store.treeSize()))
        // A block the engine was not told of: the next answer moves the state forward first.
        _ = try append(dir, "daging-nusantara", key: "daging-nusantara.key", [try json([
            "time": "2026-10-23T02:00:00Z", "type": "lot.recall",
            "body": ["lot": "daging-nusantara/chunks-2026-10-006", "reason": "cold chain broken in storage"]])])
        let fresh = try QueryRunner(store: store).answer(query, now: now)
        XCTAssertEqual(try engine.answer(query, now: now), fresh)
        XCTAssertTrue(fresh.output.contains("R-NONCONFORM"), fresh.output)
        XCTAssertEqual(fresh.status, 1, "the recall makes the rendang unsupported")
        XCTAssertEqual(engine.counts.kept, 1)
        XCTAssertEqual(engine.phase, .ready(treeSize: try store.treeSize()))
        // Told of a block (after queries were asked): moved forward in the background.
        _ = try append(dir, "lppom-mui", key: "lppom-mui.key", [try json([
            "time": "2026-10-23T03:00:00Z", "type": "lot.incident",
            "body": ["lot": "rempah-madura/kunyit-2026-10-01", "kind": "contamination", "description": "foreign matter"]])])
        engine.ledgerGrew()
        Thread.sleep(forTimeInterval: 0.05)
        engine.settle()
        XCTAssertEqual(engine.phase, .ready(treeSize: try store.treeSize()))
        XCTAssertEqual(try engine.answer(query, now: now), try QueryRunner(store: store).answer(query, now: now))
        // Switched off: always cold.
        var off = QueryEngine.Settings()
        off.enabled = false
        let cold = QueryEngine(store: store, settings: off)
        cold.start()
        cold.settle()
        XCTAssertEqual(cold.phase, .off)
        XCTAssertEqual(try cold.answer(query, now: now), try QueryRunner(store: store).answer(query, now: now))
    }

    /// Through hadicd: once its state is loaded, each block it seals moves the state forward,
    /// and `trace` and `assess --node` answer as the data directory does after every block.
    func testThroughHadicdAnswersFollowEachSealedBlock() throws {
        let dir = makeFixtureLedger("seq")
        let node = try startNode(dir, port: NodeHarness.freePort())
        defer { stopNode(node) }
        XCTAssertTrue(HadicProcess.waitUntil(timeout: 60) { node.log.contains("query state ready") }, node.log)
        let rendang = AssessTests.rendang
        let lots = [rendang, "rempah-madura/kunyit-2026-10-01", "daging-nusantara/chunks-2026-10-006", "rempah-madura/spice-node-1"]
        func compare(_ step: String) {
            for lot in lots {
                var asks: [[String]] = [["trace", "back", "@", lot], ["trace", "forward", "@", lot, "--json"]]
                for market in Self.markets { asks.append(["assess", "@", lot, "--market", market, "--at", Self.times[0], "--json"]) }
                for args in asks {
                    // "@" stands for where the answer comes from.
                    let local = Hadic.run(args.flatMap { $0 == "@" ? ["--data", dir] : [$0] })
                    let remote = Hadic.run(args.flatMap { $0 == "@" ? ["--node", node.address] : [$0] })
                    XCTAssertEqual(remote.status, local.status, "\(step): \(args.joined(separator: " ")): \(remote.summary)")
                    XCTAssertEqual(remote.stdout, local.stdout, "\(step): \(args.joined(separator: " ")): the node answers as the directory does")
                }
            }
        }
        compare("fixture chain")
        func submit(_ actor: String, key: String, _ template: [String: Any]) throws {
            let file = try write(try json(template) + "\n", to: "node-\(UUID().uuidString).jsonl")
            let r = hadic(["append", "--node", node.address, "--key", Hadic.key(key), "--actor", actor, file])
            XCTAssertTrue(r.lines.count == 1 && Hadic.isEventID(r.lines[0]), r.summary)
        }
        try submit("rempah-madura", key: "rempah-madura-2.key", [
            "time": "2026-10-21T01:00:00Z", "type": "lot.transform",
            "body": ["inputs": [["lot": "rempah-madura/kunyit-2026-10-01", "quantity": ["amount": "40", "unit": "kg"]]],
                     "outputs": [["lot": "rempah-madura/spice-node-1", "product": "rendang spice mix", "class": "spice-mix",
                                  "quantity": ["amount": "40", "unit": "kg"]]], "process": "grinding"]])
        compare("a new lot made from a raw lot")
        try submit("daging-nusantara", key: "daging-nusantara.key", [
            "time": "2026-10-23T02:00:00Z", "type": "lot.recall",
            "body": ["lot": "daging-nusantara/chunks-2026-10-006", "reason": "cold chain broken in storage"]])
        compare("a recall upstream of the rendang")
        try submit("bpjph", key: "bpjph.key", [
            "time": "2026-10-24T01:00:00Z", "type": "cert.suspend",
            "body": ["number": "ID-BPJPH-2026-30877", "reason": "audit found an unapproved supplier"]])
        compare("a certificate suspended")
        XCTAssertFalse(node.log.contains("failed"), node.log)
    }
}
