import Foundation
import HADICCrypto
import XCTest

/// `hadic prove` and `hadic verify-bundle`: the exporter's one file, checked offline against
/// the sequencer key alone; the assessment made from it equals the ledger's; any single change
/// to it fails and is named.
final class BundleTests: HadicTestCase {
    static let rendang = "urn:epc:class:lgtin:8991234.012345.RDG2610A"
    static let madeAt = "2026-11-20T00:00:00Z"

    private func prove(_ dir: String, _ lot: String, to name: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let out = path(name)
        hadic(["prove", "--data", dir, lot, "--out", out, "--at", Self.madeAt], file: file, line: line)
        return out
    }

    private func verify(_ bundle: String, _ extra: [String] = [], exit status: Int32 = 0,
                        file: StaticString = #filePath, line: UInt = #line) -> ProcessResult {
        hadic(["verify-bundle", bundle, "--trust", Hadic.key("sequencer.key.pub")] + extra, exit: status, file: file, line: line)
    }

    private func load(_ path: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    private func save(_ object: [String: Any], as name: String) throws -> String {
        let p = path(name)
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: p))
        return p
    }

    func testTheRendangBundleVerifiesAndCarriesEverythingItsAssessmentNames() throws {
        let dir = makeFixtureLedger()
        let bundle = prove(dir, Self.rendang, to: "rendang.bundle.json")
        let b = try load(bundle)
        XCTAssertEqual(b["format"] as? String, "hadic-bundle")
        XCTAssertEqual(b["version"] as? Int, 1)
        XCTAssertEqual(b["ledger_id"] as? String, Hadic.ledgerID)
        XCTAssertEqual(b["checkpoint"] as? String, hadic(["checkpoint", "--data", dir]).stdout)
        let events = try XCTUnwrap(b["events"] as? [[String: Any]])
        let leaves = Set(events.compactMap { $0["leaf"] as? String })
        let ids = Set(leaves.compactMap { Hadic.eventID(ofCanonicalEnvelope: $0) })
        XCTAssertEqual(leaves.count, events.count)
        XCTAssertTrue(leaves.isSubset(of: Set(Hadic.chainLines)), "every leaf is a fixture event, byte for byte")

        let r = verify(bundle)
        XCTAssertTrue(r.stdout.hasPrefix("valid: bundle of \(Self.rendang)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("MY (Malaysia): SUPPORTED"), r.stdout)
        XCTAssertTrue(r.stdout.contains("AE (") && r.stdout.contains("NOT SUPPORTED (R-ISSUER"), r.stdout)
        XCTAssertTrue(r.stdout.contains("unpacked by jatim-export"), "the custody chain is printed: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("shipped by pesantren-sidogiri to jatim-export, carrier dingin-logistik (in urn:epc:id:sscc:8991234.0000000001)"),
                      "with the shipments of the containers it travelled in: \(r.stdout)")
        XCTAssertEqual(r.stderr, "")

        // Everything the ledger's own assessment relies on is in the bundle, and the assessment
        // made from the bundle alone is the ledger's, field for field.
        for market in ["MY", "ID", "AE"] {
            let ledger = try XCTUnwrap(Hadic.json(hadic(["assess", "--data", dir, Self.rendang, "--market", market, "--at", Self.madeAt, "--json"],
                                                        exit: market == "AE" ? 1 : 0).stdout))
            for rule in (ledger["rules"] as? [[String: Any]]) ?? [] {
                for e in (rule["events"] as? [String]) ?? [] { XCTAssertTrue(ids.contains(e), "\(market) \(rule["rule"] ?? ""): event \(e) is in the bundle") }
            }
            let fromBundle = try XCTUnwrap(Hadic.json(verify(bundle, ["--market", market, "--json"]).stdout))
            let assessed = try XCTUnwrap((fromBundle["assessments"] as? [[String: Any]])?.first)
            XCTAssertEqual(NSDictionary(dictionary: assessed), NSDictionary(dictionary: ledger), "\(market): the bundle's assessment is the ledger's")
        }
    }

    /// For every rule's failing case, the verdict made from the bundle is the ledger's.
    func testEveryRuleCaseIsJudgedTheSameFromItsBundle() throws {
        let base = makeFixtureLedger("base")
        let data = try Data(contentsOf: URL(fileURLWithPath: Hadic.fixture("assessment/cases.json")))
        let cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        for (n, c) in cases.enumerated() {
            let rule = try XCTUnwrap(c["rule"] as? String), lot = try XCTUnwrap(c["lot"] as? String), market = try XCTUnwrap(c["market"] as? String)
            let dir = try copyLedger(base, to: "case-\(n)")
            if let file = c["file"] as? String { hadic(["append", "--data", dir, "--signed", Hadic.fixture("assessment/\(file)")]) }
            let ledger = try XCTUnwrap(Hadic.json(hadic(["assess", "--data", dir, lot, "--market", market, "--at", Self.madeAt, "--json"], exit: 1).stdout))
            let bundle = prove(dir, lot, to: "case-\(n).bundle.json")
            let fromBundle = try XCTUnwrap(Hadic.json(verify(bundle, ["--market", market, "--json"]).stdout), rule)
            let assessed = try XCTUnwrap((fromBundle["assessments"] as? [[String: Any]])?.first, rule)
            XCTAssertEqual(assessed["verdict"] as? String, "not supported", rule)
            XCTAssertEqual(NSDictionary(dictionary: assessed), NSDictionary(dictionary: ledger), "\(rule): the bundle's assessment is the ledger's")
        }
    }

    /// Pork packed in a crate that rode in the same shipment (no vehicle named): the ledger's
    /// R-SEGREGATION fails, and so must the bundle's.
    func testNonHalalGoodsInAContainerOfTheSameShipmentAreInTheBundle() throws {
        let dir = makeFixtureLedger()
        let chunks = "daging-nusantara/chunks-2026-10-006"
        let templates = [
            "{\"type\":\"lot.create\",\"time\":\"2026-10-20T00:00:00Z\",\"body\":{\"lot\":\"daging-nusantara/pork-x\",\"product\":\"pork belly\",\"class\":\"pork\",\"quantity\":{\"amount\":\"10\",\"unit\":\"kg\"}}}",
            "{\"type\":\"lot.aggregate\",\"time\":\"2026-10-20T01:00:00Z\",\"body\":{\"parent\":\"daging-nusantara/crate-x\",\"children\":[{\"lot\":\"daging-nusantara/pork-x\",\"quantity\":{\"amount\":\"10\",\"unit\":\"kg\"}}]}}",
            "{\"type\":\"custody.ship\",\"time\":\"2026-10-20T02:00:00Z\",\"body\":{\"to\":\"pesantren-sidogiri\",\"lots\":[{\"lot\":\"\(chunks)\",\"quantity\":{\"amount\":\"100\",\"unit\":\"kg\"}},{\"lot\":\"daging-nusantara/crate-x\",\"quantity\":{\"amount\":\"1\",\"unit\":\"pcs\"}}]}}",
        ]
        let signed = sign(templates, key: "daging-nusantara.key", actor: "daging-nusantara")
        let appended = hadic(["append", "--data", dir, "--signed", try write(signed.joined(separator: "\n") + "\n", to: "pork.jsonl")])
        XCTAssertTrue(appended.stderr.contains("refused 0"), appended.stderr)
        let ledger = try XCTUnwrap(Hadic.json(hadic(["assess", "--data", dir, chunks, "--market", "ID", "--at", Self.madeAt, "--json"], exit: 1).stdout))
        let segregation = (ledger["rules"] as? [[String: Any]])?.first { $0["rule"] as? String == "R-SEGREGATION" }
        XCTAssertEqual(segregation?["outcome"] as? String, "fail", "\(segregation ?? [:])")
        let bundle = prove(dir, chunks, to: "chunks.bundle.json")
        let fromBundle = try XCTUnwrap(Hadic.json(verify(bundle, ["--market", "ID", "--json"]).stdout))
        let assessed = try XCTUnwrap((fromBundle["assessments"] as? [[String: Any]])?.first)
        XCTAssertEqual(NSDictionary(dictionary: assessed), NSDictionary(dictionary: ledger), "the bundle carries the pork's crate and judges the same")
    }

    func testAnyChangeToTheBundleFailsAndIsNamed() throws {
        let dir = makeFixtureLedger()
        let bundle = prove(dir, Self.rendang, to: "good.bundle.json")
        let b = try load(bundle)
        let events = try XCTUnwrap(b["events"] as? [[String: Any]])
        func mutated(_ name: String, _ change: (inout [String: Any], inout [[String: Any]]) throws -> Void) throws -> String {
            var top = b, list = events
            try change(&top, &list)
            top["events"] = list
            return try save(top, as: name)
        }
        func expectInvalid(_ file: String, _ fragment: String, line: UInt = #line) {
            let r = verify(file, exit: 1, line: line)
            XCTAssertEqual(r.stdout, "", line: line)
            XCTAssertTrue(r.stderr.contains("INVALID") && r.stderr.contains(fragment), "expected \(fragment): \(r.stderr)", line: line)
        }
        let i = 5, index = try XCTUnwrap(events[i]["index"] as? Int)
        // An event byte.
        expectInvalid(try mutated("byte.json") { _, l in
            let leaf = try XCTUnwrap(l[i]["leaf"] as? String)
            l[i]["leaf"] = leaf.replacingOccurrences(of: "\"time\":\"2026-", with: "\"time\":\"2025-")
        }, "event at index \(index): inclusion proof")
        // A proof hash.
        expectInvalid(try mutated("proof.json") { _, l in
            var proof = try XCTUnwrap(l[i]["proof"] as? [String])
            var raw = try XCTUnwrap(Base64.decode(proof[0]))
            raw[0] ^= 1
            proof[0] = Base64.encode(raw)
            l[i]["proof"] = proof
        }, "event at index \(index): inclusion proof")
        // A party's key, in its registration.
        let reg = try XCTUnwrap(events.firstIndex { ($0["leaf"] as? String)?.contains("\"type\":\"party.register\"") == true })
        let regIndex = try XCTUnwrap(events[reg]["index"] as? Int)
        expectInvalid(try mutated("party-key.json") { _, l in
            let leaf = try XCTUnwrap(l[reg]["leaf"] as? String)
            l[reg]["leaf"] = leaf.replacingOccurrences(of: "\"public_key\":\"MCowBQYDK2VwAyEA", with: "\"public_key\":\"MCowBQYDK2VwAyEB")
            XCTAssertNotEqual(l[reg]["leaf"] as? String, leaf)
        }, "event at index \(regIndex): inclusion proof")
        // The checkpoint.
        expectInvalid(try mutated("checkpoint.json") { top, _ in
            top["checkpoint"] = (top["checkpoint"] as? String)?.replacingOccurrences(of: "\n53\n", with: "\n52\n")
        }, "checkpoint")
        // The genesis header (its admins' keys, the sequencer key).
        expectInvalid(try mutated("genesis.json") { top, _ in
            var g = try XCTUnwrap(top["genesis"] as? [String: Any])
            g["header"] = (g["header"] as? String)?.replacingOccurrences(of: "hcms-admin", with: "hcms-admjn")
            top["genesis"] = g
        }, "genesis")
        // A party's registration removed: the events it signed no longer have a key.
        let registration = try XCTUnwrap(events.firstIndex { ($0["leaf"] as? String)?.contains("\"type\":\"party.register\"") == true })
        expectInvalid(try mutated("no-registration.json") { _, l in l.remove(at: registration) }, "is registered by no event in the bundle")
        // An ingredient's making removed.
        let making = try XCTUnwrap(events.firstIndex { ($0["leaf"] as? String)?.contains("\"type\":\"lot.create\"") == true })
        expectInvalid(try mutated("no-making.json") { _, l in l.remove(at: making) }, "the event that made it is not in the bundle")
        // A shipment removed: its receipt points at nothing.
        let shipment = try XCTUnwrap(events.firstIndex { ($0["leaf"] as? String)?.contains("\"type\":\"custody.ship\"") == true })
        expectInvalid(try mutated("no-shipment.json") { _, l in l.remove(at: shipment) }, "which is not in the bundle")
        // A backdated made_at (it is not signed) hides nothing: the assessment sees every event carried.
        let backdated = try mutated("backdated.json") { top, _ in top["made_at"] = "2026-10-01T00:00:00Z" }
        let early = verify(backdated)
        XCTAssertTrue(early.stdout.contains("note: made_at 2026-10-01T00:00:00Z is earlier than events the bundle holds"), early.stdout)
        let latest = try XCTUnwrap(events.compactMap { ($0["leaf"] as? String).flatMap(Hadic.json)?["time"] as? String }.max())
        XCTAssertEqual(Hadic.json(verify(backdated, ["--json"]).stdout)?["assessed_at"] as? String, latest)
        XCTAssertTrue(verify(backdated).stdout.contains("MY (Malaysia): SUPPORTED"))
        // Another sequencer key trusted.
        let other = hadic(["verify-bundle", bundle, "--trust", Hadic.key("hcms-admin.key.pub")], exit: 1)
        XCTAssertTrue(other.stderr.contains("genesis: it names sequencer key"), other.stderr)
        // Not a bundle at all.
        expectInvalid(try write("{\"format\":\"other\"}", to: "other.json"), "malformed bundle")
        expectInvalid(try write("not json", to: "junk.json"), "malformed bundle")
        hadic(["verify-bundle", path("missing.json"), "--trust", Hadic.key("sequencer.key.pub")], exit: 2)
    }

    /// scripts/verify_bundle.py: the format stands on its own (Python's standard library and openssl).
    func testThePythonVerifierChecksABundleWithoutHADIC() throws {
        let python = try XCTUnwrap(SQL.which("python3"))
        let script = Hadic.packageRoot.appendingPathComponent("scripts/verify_bundle.py").path
        func run(_ bundle: String, key: String = Hadic.key("sequencer.key.pub")) throws -> ProcessResult {
            try HadicProcess(executable: python, [script, bundle, "--trust", key]).wait(timeout: 120)
        }
        let dir = makeFixtureLedger()
        let bundle = prove(dir, Self.rendang, to: "rendang.bundle.json")
        let ok = try run(bundle)
        XCTAssertEqual(ok.status, 0, ok.summary)
        XCTAssertTrue(ok.stdout.hasPrefix("valid: 48 events of \(Self.rendang)"), ok.stdout)
        let b = try load(bundle)
        var events = try XCTUnwrap(b["events"] as? [[String: Any]])
        // An event byte changed: its inclusion proof no longer leads to the signed root.
        var changed = b
        var altered = events
        let leaf = try XCTUnwrap(altered[10]["leaf"] as? String)
        altered[10]["leaf"] = leaf.replacingOccurrences(of: "\"v\":1", with: "\"v\":2")
        changed["events"] = altered
        let bad = try run(try save(changed, as: "altered.json"))
        XCTAssertEqual(bad.status, 1, bad.summary)
        XCTAssertTrue(bad.stderr.contains("inclusion proof"), bad.stderr)
        // A registration removed: the events its key signed have no key.
        let registration = try XCTUnwrap(events.firstIndex { ($0["leaf"] as? String)?.contains("\"type\":\"party.register\"") == true })
        events.remove(at: registration)
        var missing = b
        missing["events"] = events
        let unregistered = try run(try save(missing, as: "unregistered.json"))
        XCTAssertEqual(unregistered.status, 1, unregistered.summary)
        XCTAssertTrue(unregistered.stderr.contains("registered by no event in the bundle"), unregistered.stderr)
        let wrongKey = try run(bundle, key: Hadic.key("hcms-admin.key.pub"))
        XCTAssertEqual(wrongKey.status, 1, wrongKey.summary)
        XCTAssertTrue(wrongKey.stderr.contains("genesis"), wrongKey.stderr)
        XCTAssertEqual(try run(try write("{", to: "junk.json")).status, 2)
    }

    func testABundleStillVerifiesAfterTheLedgerGrewAndItsCheckpointLinksToTheNewOne() throws {
        let dir = initFixtureLedger()
        let lines = Hadic.chainLines
        hadic(["append", "--data", dir, "--signed", try write(lines.prefix(50).joined(separator: "\n") + "\n", to: "first.jsonl")])
        let bundle = prove(dir, Self.rendang, to: "early.bundle.json")
        let early = try XCTUnwrap(Hadic.json(verify(bundle, ["--json"]).stdout))
        XCTAssertEqual(early["tree_size"] as? Int, 50)
        hadic(["append", "--data", dir, "--signed", try write(lines.dropFirst(50).joined(separator: "\n") + "\n", to: "rest.jsonl")])
        let again = try XCTUnwrap(Hadic.json(verify(bundle, ["--json"]).stdout))
        XCTAssertEqual(again["tree_size"] as? Int, 50, "the bundle is unchanged by the ledger's growth")
        // The consistency proof from the bundle's checkpoint to the new one, checked by the stand-alone verifier.
        let old = try write(try XCTUnwrap(try load(bundle)["checkpoint"] as? String), to: "old.checkpoint")
        let new = try write(hadic(["checkpoint", "--data", dir]).stdout, to: "new.checkpoint")
        let hashes = try write(hadic(["proof", "consistency", "--data", dir, "--from", "50"]).stdout, to: "50-53.hashes")
        let python = try XCTUnwrap(SQL.which("python3"))
        let r = try HadicProcess(executable: python, [Hadic.packageRoot.appendingPathComponent("scripts/verify_proof.py").path,
                                                      "consistency", old, new, hashes, "--key", Hadic.key("sequencer.key.pub")]).wait(timeout: 60)
        XCTAssertEqual(r.status, 0, r.summary)
        XCTAssertTrue(r.stdout.contains("size 50 is a prefix of the signed tree of size 53"), r.stdout)
    }
}
