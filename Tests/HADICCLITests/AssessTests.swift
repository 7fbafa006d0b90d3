import Foundation
import HADICCrypto
import XCTest

/// `hadic assess` and `hadic policy` over the fixture chain and the per-rule cases of
/// Fixtures/assessment/ (made by scripts/make-fixtures).
final class AssessTests: HadicTestCase {
    static let rendang = "urn:epc:class:lgtin:8991234.012345.RDG2610A"
    static let allRules = ["R-SIG", "R-CUSTODY", "R-MASS", "R-CERT-VALID", "R-ISSUER", "R-LOGISTICS", "R-BOM", "R-CRITICAL",
                           "R-SLAUGHTER", "R-COMPOSITION", "R-SEGREGATION", "R-SERTU", "R-ETHANOL", "R-SELF-DECLARE",
                           "R-NONCONFORM", "R-NAME", "R-LABTEST"]

    private func assessJSON(_ dir: String, _ lot: String, _ extra: [String] = [], exit status: Int32,
                            file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let r = hadic(["assess", "--data", dir, lot, "--json"] + extra, exit: status, file: file, line: line)
        return try XCTUnwrap(Hadic.json(r.stdout), r.summary, file: file, line: line)
    }

    private func rules(_ a: [String: Any]) -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for r in (a["rules"] as? [[String: Any]]) ?? [] { if let id = r["rule"] as? String { out[id] = r } }
        return out
    }

    func testTheRendangIsSupportedForMalaysia() throws {
        let dir = makeFixtureLedger()
        let text = hadic(["assess", "--data", dir, Self.rendang, "--market", "MY"])
        XCTAssertTrue(text.lines.first?.hasSuffix(": SUPPORTED") == true, text.stdout)
        XCTAssertTrue(text.stdout.contains("policy: ledger policy v1 (event 05b1e2daf717"), text.stdout)

        let a = try assessJSON(dir, Self.rendang, ["--market", "MY"], exit: 0)
        XCTAssertEqual(a["verdict"] as? String, "supported")
        XCTAssertEqual((a["policy"] as? [String: Any])?["version"] as? Int, 1)
        let byRule = rules(a)
        XCTAssertEqual(Array(byRule.keys).sorted(), Self.allRules.sorted(), "every rule is answered")
        for (id, r) in byRule { XCTAssertEqual(r["outcome"] as? String, "pass", "\(id): \(r)") }
        // Each rule names what it relied on.
        XCTAssertEqual(byRule["R-ISSUER"]?["certificates"] as? [String],
                       ["bpjph/ID-BPJPH-2026-30451", "bpjph/ID-BPJPH-2026-31002", "jakim/MY-JAKIM-MS2400-2026-0088", "jakim/MY-JAKIM-MS2400-2026-0102"])
        XCTAssertEqual(byRule["R-SLAUGHTER"]?["certificates"] as? [String], ["bpjph/ID-BPJPH-RPH-2026-0117"])
        XCTAssertEqual((byRule["R-LABTEST"]?["events"] as? [String])?.count, 1, "the porcine DNA result")
        XCTAssertEqual((a["closure"] as? [String: Any])?["lots"] as? Int, 13)
        // The export container holding it is judged through its contents.
        hadic(["assess", "--data", dir, "https://id.gs1.org/00/389912340000000016", "--market", "MY"])
    }

    /// One case per rule (Fixtures/assessment/cases.json): the lot fails that rule, naming the
    /// lot and an event of the case; no rule outside the case's known side effects fails.
    func testEveryRuleHasACaseThatFailsIt() throws {
        let base = makeFixtureLedger("base")
        let data = try Data(contentsOf: URL(fileURLWithPath: Hadic.fixture("assessment/cases.json")))
        let cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        XCTAssertEqual(Set(cases.compactMap { $0["rule"] as? String }), Set(Self.allRules), "one case for every rule")
        for (n, c) in cases.enumerated() {
            let rule = try XCTUnwrap(c["rule"] as? String)
            let lot = try XCTUnwrap(c["lot"] as? String)
            let dir = try copyLedger(base, to: "case-\(n)")
            var caseEvents = Set<String>()
            if let file = c["file"] as? String {
                let path = Hadic.fixture("assessment/\(file)")
                let appended = hadic(["append", "--data", dir, "--signed", path])
                XCTAssertTrue(appended.stderr.contains("refused 0"), "\(rule): \(appended.stderr)")
                for line in Hadic.fixtureText("assessment/\(file)").split(separator: "\n") {
                    if let id = Hadic.eventID(ofCanonicalEnvelope: String(line)) { caseEvents.insert(id) }
                }
            }
            let a = try assessJSON(dir, lot, ["--market", try XCTUnwrap(c["market"] as? String)], exit: 1)
            XCTAssertEqual(a["verdict"] as? String, "not supported", rule)
            let byRule = rules(a)
            let target = try XCTUnwrap(byRule[rule], rule)
            XCTAssertEqual(target["outcome"] as? String, c["outcome"] as? String, "\(rule): \(target)")
            let problems = (target["problems"] as? [[String: Any]]) ?? []
            XCTAssertFalse(problems.isEmpty, rule)
            if let expectedLot = c["problem_lot"] as? String {
                XCTAssertTrue(problems.contains { $0["lot"] as? String == expectedLot }, "\(rule) names \(expectedLot): \(problems)")
            }
            if !caseEvents.isEmpty {
                XCTAssertTrue(problems.contains { caseEvents.contains(($0["event"] as? String) ?? "") }, "\(rule) names an event of its case: \(problems)")
            } else {
                XCTAssertTrue(problems.allSatisfy { ($0["event"] as? String).map(Hadic.isEventID) == true }, "\(rule): \(problems)")
            }
            let notPassing = Set(byRule.filter { $0.value["outcome"] as? String != "pass" }.keys)
            XCTAssertEqual(notPassing, Set([rule] + ((c["also_not_passing"] as? [String]) ?? [])), "\(rule): rules not passing")
            // The text form names the rule and the same problem.
            let text = hadic(["assess", "--data", dir, lot, "--market", c["market"] as? String ?? ""], exit: 1).stdout
            XCTAssertTrue(text.contains("NOT SUPPORTED") && text.contains(rule), text)
            XCTAssertTrue(text.contains((problems.first?["message"] as? String) ?? "-"), text)
        }
    }

    /// A node keeps what assessments read and work out (custody paths, rows, certificate checks)
    /// for later ones, or loads it all at start: `hadic-bench --verify` assesses every lot of the
    /// fixture chain with every rule's case added, for two markets and at two times, with one
    /// shared cache, and compares each answer (and each trace) with one worked out afresh.
    func testWhatANodeRemembersBetweenAssessmentsChangesNoAnswer() throws {
        let dir = makeFixtureLedger()
        var classes = Set<String>()
        let classPattern = try NSRegularExpression(pattern: #""class":"([a-z0-9-]+)""#)
        let data = try Data(contentsOf: URL(fileURLWithPath: Hadic.fixture("assessment/cases.json")))
        let cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        for text in [Hadic.fixtureText("chain/events.jsonl")] + cases.compactMap({ $0["file"] as? String }).map({ Hadic.fixtureText("assessment/\($0)") }) {
            for m in classPattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let r = Range(m.range(at: 1), in: text) { classes.insert(String(text[r])) }
            }
        }
        // Every case's events on one ledger (some cases contradict each other: those are refused).
        for file in cases.compactMap({ $0["file"] as? String }) {
            _ = Hadic.run(["append", "--data", dir, "--signed", Hadic.fixture("assessment/\(file)")])
        }
        let bench = URL(fileURLWithPath: try Hadic.requireBinary()).deletingLastPathComponent().appendingPathComponent("hadic-bench").path
        // Also with everything loaded first, as a node does at start (`--preload`), and with a
        // cache too small for the ledger (the preload stops early; parts are emptied and refilled).
        // And with the rules on two cores for every closure, however small (the results are merged).
        for (market, extra) in [("MY", []), ("ID", ["--parallel-from", "1"]), ("MY", ["--preload", "--parallel-from", "1"]), ("ID", ["--preload", "--cache-capacity", "5"]), ("MY", ["--preload", "--cache-capacity", "30"])] {
            let args = ["--data", dir, "--market", market, "--sample", "200", "--verify"] + extra
                + classes.sorted().flatMap { ["--class", $0] }
            let r = try HadicProcess(executable: bench, args).wait(timeout: 300)
            XCTAssertEqual(r.status, 0, r.summary)
            let line = r.lines.first { $0.hasPrefix("reuse check") } ?? r.summary
            XCTAssertTrue(line.hasPrefix("reuse check: "), line)
            let compared = Int(line.split(separator: " ").dropFirst(2).first ?? "") ?? 0
            XCTAssertGreaterThan(compared, 40, line)
        }
    }

    /// A rule with more problems than a result lists (200): on two cores, the merged result
    /// names exactly the lots and events of the problems it keeps, as one after the other does.
    func testARuleWithMoreProblemsThanListedIsTheSameOnTwoCores() throws {
        let dir = makeFixtureLedger()
        let lot = "daging-nusantara/shipped-often"
        var templates = [Self.lotCreateTemplate(lot, amount: "1000", time: "2026-10-20T00:00:00Z")]
        for i in 0..<250 {
            templates.append("{\"type\":\"custody.ship\",\"time\":\"2026-10-21T\(String(format: "%02d:%02d", i / 60, i % 60)):00Z\",\"body\":{\"to\":\"pesantren-sidogiri\",\"lots\":[{\"lot\":\"\(lot)\",\"quantity\":{\"amount\":\"1\",\"unit\":\"kg\"}}]}}")
        }
        let signed = sign(templates, key: "daging-nusantara.key", actor: "daging-nusantara")
        hadic(["append", "--data", dir, "--signed", try write(signed.joined(separator: "\n") + "\n", to: "ships.jsonl")])
        let a = try assessJSON(dir, lot, ["--market", "MY", "--at", "2026-11-01T00:00:00Z"], exit: 1)
        let logistics = try XCTUnwrap(rules(a)["R-LOGISTICS"])
        XCTAssertEqual((logistics["problems"] as? [Any])?.count, 200, "a result lists 200 problems at most")
        XCTAssertEqual((logistics["events"] as? [Any])?.count, 200, "and names the events of those it lists")
        let bench = URL(fileURLWithPath: try Hadic.requireBinary()).deletingLastPathComponent().appendingPathComponent("hadic-bench").path
        let r = try HadicProcess(executable: bench, ["--data", dir, "--market", "MY", "--class", "chili", "--sample", "50", "--verify", "--parallel-from", "1"]).wait(timeout: 300)
        XCTAssertEqual(r.status, 0, r.summary)
        XCTAssertTrue(r.stdout.contains("reuse check: ") && !r.stdout.contains("FAILED"), r.summary)
    }

    func testTheVerdictIsAsTheLedgerStoodAtTheTimeAsked() throws {
        let dir = makeFixtureLedger()
        // Made at 04:00; the porcine DNA result came at 09:00.
        let early = try assessJSON(dir, Self.rendang, ["--market", "MY", "--at", "2026-10-10T05:00:00Z"], exit: 1)
        XCTAssertEqual(rules(early)["R-LABTEST"]?["outcome"] as? String, "unknown")
        XCTAssertEqual(rules(early)["R-SIG"]?["outcome"] as? String, "pass")
        let later = try assessJSON(dir, Self.rendang, ["--market", "MY", "--at", "2026-10-10T09:00:00Z"], exit: 0)
        XCTAssertEqual(later["at"] as? String, "2026-10-10T09:00:00Z")
        // The spice mix's label incident was open between 10-07T10:00 and its resolution at 10-08T08:00.
        let spice = "https://id.gs1.org/01/08991234000015/10/SPX2610A"
        let open = try assessJSON(dir, spice, ["--market", "ID", "--at", "2026-10-07T12:00:00Z"], exit: 1)
        XCTAssertEqual(rules(open)["R-NONCONFORM"]?["outcome"] as? String, "fail")
        try assessJSON(dir, spice, ["--market", "ID", "--at", "2026-10-08T09:00:00Z"], exit: 0)
        // Before the lot was made there is nothing to assess.
        let unmade = hadic(["assess", "--data", dir, Self.rendang, "--market", "MY", "--at", "2026-10-09T00:00:00Z"], exit: 2)
        XCTAssertTrue(unmade.stderr.contains("was made after 2026-10-09T00:00:00Z"), unmade.stderr)
        // Before the first policy.set there is nothing to assess against.
        let none = hadic(["assess", "--data", dir, Self.rendang, "--market", "MY", "--at", "2026-10-01T00:00:00Z"], exit: 2)
        XCTAssertTrue(none.stderr.contains("no policy.set event in force at 2026-10-01T00:00:00Z"), none.stderr)
    }

    func testALocalPolicyNarrowsButNeverWidens() throws {
        let dir = makeFixtureLedger()
        let jakimOnly = try write(#"{"markets": {"MY": {"issuers": [{"party": "jakim"}]}}}"#, to: "jakim-only.json")
        let narrowed = try assessJSON(dir, Self.rendang, ["--market", "MY", "--policy", jakimOnly], exit: 1)
        XCTAssertEqual(rules(narrowed)["R-ISSUER"]?["outcome"] as? String, "fail")
        XCTAssertTrue(((narrowed["policy"] as? [String: Any])?["summary"] as? String)?.contains("narrowed by \(jakimOnly)") == true, "\(narrowed)")
        let shown = hadic(["policy", "--data", dir, "--policy", jakimOnly]).stdout
        XCTAssertTrue(shown.contains("market MY: Malaysia") && !shown.contains("market ID") && !shown.contains("trusts bpjph from"), shown)

        let stricter = try write(#"{"markets": {"MY": {"lab_tests": [{"test": "ethanol", "classes": ["ready-meal"]}]}}, "haram_names": ["daging"]}"#, to: "stricter.json")
        let strict = try assessJSON(dir, Self.rendang, ["--market", "MY", "--policy", stricter], exit: 1)
        XCTAssertEqual(rules(strict)["R-NAME"]?["outcome"] as? String, "unknown", "the added haram term matches 'rendang daging beku'")
        XCTAssertEqual(rules(strict)["R-LABTEST"]?["outcome"] as? String, "pass", "the ethanol result is a pass")

        for (name, text, field) in [
            ("trust.json", #"{"markets": {"MY": {"issuers": [{"party": "lppom-mui"}]}}}"#, "markets.MY.issuers[0]"),
            ("positive.json", #"{"non_critical": ["beef"]}"#, "non_critical"),
            ("market.json", #"{"markets": {"SG": {}}}"#, "markets.SG"),
            ("logistics.json", #"{"markets": {"MY": {"certified_logistics": false}}}"#, "markets.MY.certified_logistics"),
            ("gain.json", #"{"mass_gain_percent": "5"}"#, "mass_gain_percent"),
        ] {
            let file = try write(text, to: name)
            let r = hadic(["assess", "--data", dir, Self.rendang, "--market", "MY", "--policy", file], exit: 2)
            XCTAssertTrue(r.stderr.contains(field) && r.stderr.contains("may only narrow"), "\(name): \(r.stderr)")
        }
        let malformed = try write(#"{"markets": {"MY": {"issuers": [{"party": "jakim", "until": "soon"}]}}}"#, to: "bad.json")
        let bad = hadic(["assess", "--data", dir, Self.rendang, "--market", "MY", "--policy", malformed], exit: 2)
        XCTAssertTrue(bad.stderr.contains("markets.MY.issuers[0].until"), bad.stderr)
    }

    func testUnknownLotsAndMarketsAreClearErrors() throws {
        let dir = makeFixtureLedger()
        let lot = hadic(["assess", "--data", dir, "rph-sidoarjo/nothing", "--market", "MY"], exit: 2)
        XCTAssertTrue(lot.stderr.contains("no lot rph-sidoarjo/nothing"), lot.stderr)
        let market = hadic(["assess", "--data", dir, Self.rendang, "--market", "SG"], exit: 2)
        XCTAssertTrue(market.stderr.contains("market SG is not in the policy (markets: AE, ID, MY)"), market.stderr)
        hadic(["assess", "--data", dir, Self.rendang, "--market", "my"], exit: 64)
        hadic(["assess", "--data", dir, Self.rendang], exit: 64)
    }

    /// policy.set is an admin event; its version is its position; trust lists name certifiers.
    func testPolicyEventsAreAdmittedAndVersioned() throws {
        let dir = makeFixtureLedger()
        let policy = #"{"type":"policy.set","time":"2026-10-20T00:00:00Z","body":{"markets":{"MY":{"name":"Malaysia","issuers":[{"party":"jakim"}]}},"non_critical":["coconut-milk"]}}"#
        let byProducer = sign([policy], key: "rph-sidoarjo.key", actor: "rph-sidoarjo")
        let refused = hadic(["append", "--data", dir, "--signed", try write(byProducer[0] + "\n", to: "p1.jsonl")], exit: 1)
        XCTAssertTrue(refused.stdout.contains("refused rule role: a producer may not sign policy.set"), refused.summary)
        let untrusted = policy.replacingOccurrences(of: #""party":"jakim""#, with: #""party":"rph-sidoarjo""#)
        let badIssuer = sign([untrusted], key: "hcms-admin.key", actor: "hcms-admin")
        let refused2 = hadic(["append", "--data", dir, "--signed", try write(badIssuer[0] + "\n", to: "p2.jsonl")], exit: 1)
        XCTAssertTrue(refused2.stdout.contains("refused rule unknown-reference: market MY trusts rph-sidoarjo, which is not a registered certifier"), refused2.summary)

        let v2 = sign([policy], key: "hcms-admin.key", actor: "hcms-admin")
        hadic(["append", "--data", dir, "--signed", try write(v2[0] + "\n", to: "p3.jsonl")])
        XCTAssertTrue(hadic(["policy", "--data", dir]).stdout.hasPrefix("ledger policy v2 "))
        XCTAssertTrue(hadic(["policy", "--data", dir, "--at", "2026-10-19T00:00:00Z"]).stdout.hasPrefix("ledger policy v1 "))
        // Under v2 only JAKIM is trusted for Malaysia, and only coconut milk is on the positive list.
        let a = try assessJSON(dir, Self.rendang, ["--market", "MY"], exit: 1)
        XCTAssertEqual((a["policy"] as? [String: Any])?["version"] as? Int, 2)
        XCTAssertEqual(rules(a)["R-ISSUER"]?["outcome"] as? String, "fail")
        XCTAssertEqual(rules(a)["R-BOM"]?["outcome"] as? String, "fail", "turmeric is no longer on the positive list")
        let v1 = try assessJSON(dir, Self.rendang, ["--market", "MY", "--at", "2026-10-19T00:00:00Z"], exit: 0)
        XCTAssertEqual((v1["policy"] as? [String: Any])?["version"] as? Int, 1)
        hadic(["verify", "--data", dir, "--full"])
    }

    // MARK: Regressions from review

    private func append(_ dir: String, _ templates: [String], key: String, actor: String, name: String) throws {
        let signed = sign(templates, key: key, actor: actor)
        let r = hadic(["append", "--data", dir, "--signed", try write(signed.joined(separator: "\n") + "\n", to: name)])
        XCTAssertTrue(r.stderr.contains("refused 0"), r.summary)
    }

    /// Packing part of a lot twice and unpacking one part leaves the rest inside: the
    /// container's later shipment by an uncertified carrier is still the lot's.
    func testAPartlyUnpackedLotStillTravelsWithItsContainer() throws {
        let dir = makeFixtureLedger()
        let templates = [
            #"{"type":"lot.aggregate","time":"2026-10-20T01:00:00Z","body":{"parent":"jatim-export/box-1","children":[{"lot":"\#(Self.rendang)","quantity":{"amount":"12","unit":"pcs"}}]}}"#,
            #"{"type":"lot.aggregate","time":"2026-10-20T02:00:00Z","body":{"parent":"jatim-export/box-1","children":[{"lot":"\#(Self.rendang)","quantity":{"amount":"12","unit":"pcs"}}]}}"#,
            #"{"type":"lot.disaggregate","time":"2026-10-20T03:00:00Z","body":{"parent":"jatim-export/box-1","children":[{"lot":"\#(Self.rendang)","quantity":{"amount":"12","unit":"pcs"}}]}}"#,
            #"{"type":"custody.ship","time":"2026-10-20T04:00:00Z","body":{"to":"pesantren-sidogiri","lots":[{"lot":"jatim-export/box-1","quantity":{"amount":"1","unit":"pcs"}}],"carrier":"rempah-madura"}}"#,
        ]
        try append(dir, templates, key: "jatim-export.key", actor: "jatim-export", name: "box.jsonl")
        let a = try assessJSON(dir, Self.rendang, ["--market", "MY"], exit: 1)
        let logistics = rules(a)["R-LOGISTICS"]
        XCTAssertEqual(logistics?["outcome"] as? String, "fail")
        XCTAssertTrue("\(logistics?["problems"] ?? "")".contains("in jatim-export/box-1"), "\(logistics ?? [:])")
    }

    /// Containers packed into each other (in two steps) do not make the assessment loop.
    func testContainersPackedInACycleDoNotHang() throws {
        let dir = makeFixtureLedger()
        let templates = [
            #"{"type":"lot.disaggregate","time":"2026-10-20T01:00:00Z","body":{"parent":"https://id.gs1.org/00/389912340000000016","children":[{"lot":"urn:epc:id:sscc:8991234.0000000001","quantity":{"amount":"1","unit":"pcs"}}]}}"#,
            #"{"type":"lot.aggregate","time":"2026-10-20T02:00:00Z","body":{"parent":"urn:epc:id:sscc:8991234.0000000001","children":[{"lot":"https://id.gs1.org/00/389912340000000016","quantity":{"amount":"1","unit":"pcs"}}]}}"#,
        ]
        try append(dir, templates, key: "jatim-export.key", actor: "jatim-export", name: "cycle.jsonl")
        let r = Hadic.run(["assess", "--data", dir, Self.rendang, "--market", "MY"], timeout: 60)
        XCTAssertFalse(r.signaled || r.timedOut, r.summary)
        XCTAssertTrue(r.status == 0 || r.status == 1, r.summary)
        hadic(["assess", "--data", dir, "urn:epc:id:sscc:8991234.0000000001", "--market", "MY"], exit: r.status)
    }

    /// An intermediate made by an uncertified processor from listed inputs is not evidence:
    /// "itself supported" includes its maker's certificate.
    func testAnUncertifiedIntermediateIsNotSupported() throws {
        let dir = makeFixtureLedger()
        try append(dir, [#"{"type":"party.register","time":"2026-10-20T00:00:00Z","body":{"party":"ghost","name":"Uncertified processor","role":"processor","public_key":"\#(Base64.encode(try pub("ghost")))"}}"#],
                   key: "hcms-admin.key", actor: "hcms-admin", name: "reg.jsonl")
        let made = sign([
            #"{"type":"lot.create","time":"2026-10-20T01:00:00Z","body":{"lot":"ghost/kunyit-1","product":"kunyit","class":"turmeric","quantity":{"amount":"10","unit":"kg"}}}"#,
            #"{"type":"lot.transform","time":"2026-10-20T02:00:00Z","body":{"inputs":[{"lot":"ghost/kunyit-1","quantity":{"amount":"10","unit":"kg"}}],"outputs":[{"lot":"ghost/bumbu-1","product":"bumbu rendang","class":"spice-mix","quantity":{"amount":"10","unit":"kg"}}]}}"#,
            #"{"type":"custody.ship","time":"2026-10-20T03:00:00Z","body":{"to":"pesantren-sidogiri","lots":[{"lot":"ghost/bumbu-1","quantity":{"amount":"10","unit":"kg"}}],"carrier":"dingin-logistik","segregated":true}}"#,
        ], key: "ghost.key", actor: "ghost")
        hadic(["append", "--data", dir, "--signed", try write(made.joined(separator: "\n") + "\n", to: "ghost.jsonl")])
        let ship = try XCTUnwrap(Hadic.eventID(ofCanonicalEnvelope: made[2]))
        try append(dir, [
            #"{"type":"custody.receive","time":"2026-10-20T04:00:00Z","body":{"shipment":"\#(ship)","lots":[{"lot":"ghost/bumbu-1","quantity":{"amount":"10","unit":"kg"}}]}}"#,
            #"{"type":"lot.create","time":"2026-10-20T04:00:00Z","body":{"lot":"pesantren-sidogiri/santan-x","product":"santan","class":"coconut-milk","quantity":{"amount":"5","unit":"l"},"facility":"pesantren-sidogiri/dapur-1"}}"#,
            #"{"type":"lot.transform","time":"2026-10-20T05:00:00Z","body":{"inputs":[{"lot":"ghost/bumbu-1","quantity":{"amount":"10","unit":"kg"}},{"lot":"pesantren-sidogiri/santan-x","quantity":{"amount":"5","unit":"l"}}],"outputs":[{"lot":"pesantren-sidogiri/rendang-2","product":"rendang daging beku","class":"ready-meal","quantity":{"amount":"20","unit":"pcs"}}],"facility":"pesantren-sidogiri/dapur-1"}}"#,
        ], key: "pesantren-sidogiri.key", actor: "pesantren-sidogiri", name: "rendang2.jsonl")
        let a = try assessJSON(dir, "pesantren-sidogiri/rendang-2", ["--market", "ID"], exit: 1)
        XCTAssertEqual(rules(a)["R-BOM"]?["outcome"] as? String, "fail")
        XCTAssertTrue("\(rules(a)["R-BOM"]?["problems"] ?? "")".contains("ghost/bumbu-1"))
    }

    /// An ingredient's custody is the path of the portion that was used: shipments of the
    /// same lot to another customer, or later ones to the same customer, are not the product's
    /// story (they are the lot's own, when the lot itself is assessed).
    func testOnlyTheCustodyPathOfTheUsedPortionCounts() throws {
        let dir = makeFixtureLedger()
        let spx = "https://id.gs1.org/01/08991234000015/10/SPX2610A"
        func ship(_ to: String, _ hour: Int) -> String {
            #"{"type":"custody.ship","time":"2026-10-20T0\#(hour):00:00Z","body":{"to":"\#(to)","lots":[{"lot":"\#(spx)","quantity":{"amount":"5","unit":"kg"}}],"segregated":false}}"#
        }
        let ships = sign([ship("jatim-export", 1), ship("pesantren-sidogiri", 2)], key: "rempah-madura-2.key", actor: "rempah-madura")
        hadic(["append", "--data", dir, "--signed", try write(ships.joined(separator: "\n") + "\n", to: "ships.jsonl")])
        func receive(_ shipment: String) -> String {
            #"{"type":"custody.receive","time":"2026-10-20T03:00:00Z","body":{"shipment":"\#(shipment)","lots":[{"lot":"\#(spx)","quantity":{"amount":"5","unit":"kg"}}]}}"#
        }
        let toExporter = try XCTUnwrap(Hadic.eventID(ofCanonicalEnvelope: ships[0]))
        let toMaker = try XCTUnwrap(Hadic.eventID(ofCanonicalEnvelope: ships[1]))
        try append(dir, [receive(toExporter)], key: "jatim-export.key", actor: "jatim-export", name: "r1.jsonl")
        try append(dir, [receive(toMaker)], key: "pesantren-sidogiri.key", actor: "pesantren-sidogiri", name: "r2.jsonl")

        // The rendang used spice mix received before it was made, from another shipment.
        let rendang = try assessJSON(dir, Self.rendang, ["--market", "ID"], exit: 0)
        XCTAssertEqual(rules(rendang)["R-LOGISTICS"]?["outcome"] as? String, "pass")
        // The spice mix itself: every shipment of it is its story, and neither declared segregation.
        let mix = try assessJSON(dir, spx, ["--market", "ID"], exit: 1)
        let problems = "\(rules(mix)["R-LOGISTICS"]?["problems"] ?? "")"
        XCTAssertEqual(rules(mix)["R-LOGISTICS"]?["outcome"] as? String, "fail")
        XCTAssertTrue(problems.contains(toExporter) && problems.contains(toMaker), problems)
    }

    /// The used portion's path is followed through everything that moved it: back to the maker
    /// and out again, and out of a container back to whoever packed it; a container counts only
    /// when the used portion travelled in it. (Scenarios from the review of the path walk.)
    func testThePortionPathFollowsRoundTripsAndContainers() throws {
        let q = #"{"amount":"10","unit":"kg"}"#, pcs = #"{"amount":"1","unit":"pcs"}"#
        let maker = ("rempah-madura-2.key", "rempah-madura"), exporter = ("jatim-export.key", "jatim-export")
        let user = ("pesantren-sidogiri.key", "pesantren-sidogiri")
        /// Appends one event and returns its id.
        func event(_ dir: String, _ who: (String, String), _ template: String) throws -> String {
            let signed = sign([template], key: who.0, actor: who.1)
            let r = hadic(["append", "--data", dir, "--signed", try write(signed[0] + "\n", to: "e.jsonl")])
            XCTAssertTrue(r.stderr.contains("refused 0"), r.summary)
            return try XCTUnwrap(Hadic.eventID(ofCanonicalEnvelope: signed[0]))
        }
        func create(_ dir: String, _ lot: String, _ amount: String = "10") throws {
            _ = try event(dir, maker, #"{"type":"lot.create","time":"2026-10-20T00:00:00Z","body":{"lot":"\#(lot)","product":"bumbu","class":"spice-mix","facility":"rempah-madura/sumenep","quantity":{"amount":"\#(amount)","unit":"kg"}}}"#)
        }
        func ship(_ dir: String, _ who: (String, String), to: String, _ lot: String, segregated: Bool, _ time: String, _ quantity: String? = nil) throws -> String {
            try event(dir, who, #"{"type":"custody.ship","time":"\#(time)","body":{"to":"\#(to)","lots":[{"lot":"\#(lot)","quantity":\#(quantity ?? q)}],"segregated":\#(segregated)}}"#)
        }
        func receive(_ dir: String, _ who: (String, String), _ shipment: String, _ lot: String, _ time: String, _ quantity: String? = nil) throws {
            _ = try event(dir, who, #"{"type":"custody.receive","time":"\#(time)","body":{"shipment":"\#(shipment)","lots":[{"lot":"\#(lot)","quantity":\#(quantity ?? q)}]}}"#)
        }
        func use(_ dir: String, _ lot: String, making product: String) throws {
            _ = try event(dir, user, #"{"type":"lot.transform","time":"2026-10-21T00:00:00Z","body":{"facility":"pesantren-sidogiri/dapur-1","inputs":[{"lot":"\#(lot)","quantity":\#(q)}],"outputs":[{"lot":"\#(product)","product":"rendang","class":"ready-meal","quantity":\#(q)}]}}"#)
        }
        func logistics(_ dir: String, _ lot: String, exit: Int32) throws -> String {
            let a = try assessJSON(dir, lot, ["--market", "ID"], exit: exit)
            return "\(rules(a)["R-LOGISTICS"]?["outcome"] ?? "") \(rules(a)["R-LOGISTICS"]?["problems"] ?? "")"
        }

        // A: maker → exporter (unsegregated) → back to the maker → user.
        let a = makeFixtureLedger("a"), loop = "rempah-madura/loop-1"
        try create(a, loop)
        let out = try ship(a, maker, to: "jatim-export", loop, segregated: false, "2026-10-20T01:00:00Z")
        try receive(a, exporter, out, loop, "2026-10-20T02:00:00Z")
        try receive(a, maker, try ship(a, exporter, to: "rempah-madura", loop, segregated: true, "2026-10-20T03:00:00Z"), loop, "2026-10-20T04:00:00Z")
        try receive(a, user, try ship(a, maker, to: "pesantren-sidogiri", loop, segregated: true, "2026-10-20T05:00:00Z"), loop, "2026-10-20T06:00:00Z")
        try use(a, loop, making: "pesantren-sidogiri/meal-a")
        let roundTrip = try logistics(a, "pesantren-sidogiri/meal-a", exit: 1)
        XCTAssertTrue(roundTrip.hasPrefix("fail") && roundTrip.contains(out), roundTrip)

        // B: maker → exporter loose (unsegregated); the exporter packs it on a pallet for the
        // user, who unpacks and uses it.
        let b = makeFixtureLedger("b"), box = "rempah-madura/box-1", pallet = "jatim-export/pallet-77"
        try create(b, box)
        let loose = try ship(b, maker, to: "jatim-export", box, segregated: false, "2026-10-20T01:00:00Z")
        try receive(b, exporter, loose, box, "2026-10-20T02:00:00Z")
        _ = try event(b, exporter, #"{"type":"lot.aggregate","time":"2026-10-20T03:00:00Z","body":{"parent":"\#(pallet)","children":[{"lot":"\#(box)","quantity":\#(q)}]}}"#)
        try receive(b, user, try ship(b, exporter, to: "pesantren-sidogiri", pallet, segregated: true, "2026-10-20T04:00:00Z", pcs), pallet, "2026-10-20T05:00:00Z", pcs)
        _ = try event(b, user, #"{"type":"lot.disaggregate","time":"2026-10-20T06:00:00Z","body":{"parent":"\#(pallet)","children":[{"lot":"\#(box)","quantity":\#(q)}]}}"#)
        try use(b, box, making: "pesantren-sidogiri/meal-b")
        let unpacked = try logistics(b, "pesantren-sidogiri/meal-b", exit: 1)
        XCTAssertTrue(unpacked.hasPrefix("fail") && unpacked.contains(loose), unpacked)

        // C: the maker's unused rest goes to another customer, unsegregated, on a pallet.
        let c = makeFixtureLedger("c"), rest = "rempah-madura/rest-1"
        try create(c, rest, "20")
        try receive(c, user, try ship(c, maker, to: "pesantren-sidogiri", rest, segregated: true, "2026-10-20T01:00:00Z"), rest, "2026-10-20T02:00:00Z")
        try use(c, rest, making: "pesantren-sidogiri/meal-c")
        _ = try event(c, maker, #"{"type":"lot.aggregate","time":"2026-10-22T00:00:00Z","body":{"parent":"rempah-madura/pal-9","children":[{"lot":"\#(rest)","quantity":\#(q)}]}}"#)
        let elsewhere = try ship(c, maker, to: "jatim-export", "rempah-madura/pal-9", segregated: false, "2026-10-22T01:00:00Z", pcs)
        XCTAssertTrue(try logistics(c, "pesantren-sidogiri/meal-c", exit: 0).hasPrefix("pass"))
        // …which is the rest's own story.
        let own = try logistics(c, rest, exit: 1)
        XCTAssertTrue(own.hasPrefix("fail") && own.contains(elsewhere), own)

        // D: one lot used twice in one product: the user makes one meal from a portion that came
        // segregated, and another from a later portion that did not; a combo of both meals
        // carries both portions' paths (each use's path is traced, and remembered, on its own).
        let d = makeFixtureLedger("d"), split = "rempah-madura/split-1"
        try create(d, split, "20")
        try receive(d, user, try ship(d, maker, to: "pesantren-sidogiri", split, segregated: true, "2026-10-20T01:00:00Z"), split, "2026-10-20T02:00:00Z")
        try use(d, split, making: "pesantren-sidogiri/meal-d1")
        let late = try ship(d, maker, to: "pesantren-sidogiri", split, segregated: false, "2026-10-20T03:00:00Z")
        try receive(d, user, late, split, "2026-10-20T04:00:00Z")
        try use(d, split, making: "pesantren-sidogiri/meal-d2")
        _ = try event(d, user, #"{"type":"lot.transform","time":"2026-10-21T01:00:00Z","body":{"facility":"pesantren-sidogiri/dapur-1","inputs":[{"lot":"pesantren-sidogiri/meal-d1","quantity":\#(q)},{"lot":"pesantren-sidogiri/meal-d2","quantity":\#(q)}],"outputs":[{"lot":"pesantren-sidogiri/combo-d","product":"rendang","class":"ready-meal","quantity":{"amount":"20","unit":"kg"}}]}}"#)
        XCTAssertTrue(try logistics(d, "pesantren-sidogiri/meal-d1", exit: 0).hasPrefix("pass"))
        let both = try logistics(d, "pesantren-sidogiri/combo-d", exit: 1)
        XCTAssertTrue(both.hasPrefix("fail") && both.contains(late), both)
    }

    func testALocalPolicyCannotAddLiveAnimals() throws {
        let dir = makeFixtureLedger()
        let file = try write(#"{"live_animals": ["meat-import"]}"#, to: "live.json")
        let r = hadic(["assess", "--data", dir, Self.rendang, "--market", "MY", "--policy", file], exit: 2)
        XCTAssertTrue(r.stderr.contains("live_animals") && r.stderr.contains("may only narrow"), r.stderr)
    }

    private func pub(_ name: String) throws -> [UInt8] {
        let pem = try String(contentsOfFile: Hadic.key("\(name).key.pub"), encoding: .utf8)
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return try XCTUnwrap(Base64.decode(body))
    }
}
