import Foundation
import HADICCrypto
import XCTest

/// Every admission rule through `hadic append`: the rule is named, and a refused event leaves
/// no trace in the stored ledger.
final class AdmissionRuleCLITests: HadicTestCase {
    /// Every rule of docs/EVENTS.md; Fixtures/negative holds one file per rule (`epcis-duplicate`
    /// needs an imported event in the ledger first: EPCISImportTests checks it).
    static let rules = ["schema", "too-large", "ledger-id", "future-time", "unknown-actor", "revoked-actor",
                        "key-not-authorized", "signature", "role", "duplicate", "unknown-reference",
                        "already-exists", "namespace", "custody", "mass-balance", "status", "epcis-hash"]

    /// Everything a refusal must leave unchanged.
    struct Snapshot: Equatable {
        var treeSize: Int?
        var height: Int?
        var root: String?
        var export: String
        var ledgerRows: [String]
        var derived: [String: [String]]
    }

    func snapshot(_ dir: String, file: StaticString = #filePath, line: UInt = #line) -> Snapshot {
        let s = status(dir, file: file, line: line)
        var tables = SQL.dump(db(dir), SQL.ledgerTableQueries + SQL.derivedTableQueries, file: file, line: line)
        let ledgerRows = (tables.removeValue(forKey: "blocks") ?? []) + (tables.removeValue(forKey: "events") ?? [])
        return Snapshot(treeSize: s["tree_size"] as? Int, height: s["height"] as? Int, root: s["root"] as? String,
                        export: export(dir, file: file, line: line), ledgerRows: ledgerRows, derived: tables)
    }

    func testEveryNegativeFixtureIsRefusedByItsRuleAndStoresNothing() throws {
        try SQL.requireTool()
        let negative = Hadic.fixtures.appendingPathComponent("negative")
        let files = try FileManager.default.contentsOfDirectory(atPath: negative.path).filter { $0.hasSuffix(".jsonl") }.sorted()
        XCTAssertEqual(Set(files.map { String($0.dropLast(".jsonl".count)) }), Set(Self.rules),
                       "Fixtures/negative holds exactly one file per admission rule")
        let dir = makeFixtureLedger()
        let before = snapshot(dir)
        XCTAssertEqual(before.treeSize, 53)
        XCTAssertEqual(before.height, 1)
        XCTAssertEqual(before.ledgerRows.count, 2 + 53)
        for name in files {
            let rule = String(name.dropLast(".jsonl".count))
            let r = hadic(["append", "--data", dir, "--signed", negative.appendingPathComponent(name).path], exit: 1)
            XCTAssertEqual(r.lines.count, 1, "\(rule): one output line per input line: \(r.summary)")
            let prefix = "refused rule \(rule): "
            XCTAssertTrue(r.stdout.hasPrefix(prefix), "\(rule): expected `\(prefix)...`, got: \(r.summary)")
            XCTAssertGreaterThan(r.lines.first?.count ?? 0, prefix.count, "\(rule): the refusal says why")
            XCTAssertTrue(r.stderr.contains("admitted 0, refused 1; height 1, tree size 53"), "\(rule): \(r.stderr)")
            XCTAssertEqual(snapshot(dir), before, "\(rule): a refused event must leave no trace in the stored ledger")
            let v = hadic(["verify", "--data", dir, "--full"])
            XCTAssertTrue(v.stdout.hasPrefix("intact: 2 blocks, 53 events"), "\(rule): \(v.stdout)")
        }
    }

    func testBatchAdmitsExactlyTheGoodEventBetweenTwoBadOnes() throws {
        try SQL.requireTool()
        let dir = makeFixtureLedger()
        let before = snapshot(dir)
        let good = sign([Self.lotCreateTemplate("rempah-madura/new-1")], key: "rempah-madura-2.key", actor: "rempah-madura")
        XCTAssertEqual(good.count, 1)
        let goodLine = good.first ?? ""
        let goodID = try XCTUnwrap(Hadic.eventID(ofCanonicalEnvelope: goodLine))
        let bad1 = Hadic.fixtureText("negative/signature.jsonl").trimmingCharacters(in: .newlines)
        let bad2 = Hadic.fixtureText("negative/mass-balance.jsonl").trimmingCharacters(in: .newlines)
        let batch = try write([bad1, goodLine, bad2].joined(separator: "\n") + "\n", to: "batch.jsonl")

        let r = hadic(["append", "--data", dir, "--signed", batch], exit: 1)
        XCTAssertEqual(r.lines.count, 3, r.summary)
        guard r.lines.count == 3 else { return }
        XCTAssertTrue(r.lines[0].hasPrefix("refused rule signature: "), r.lines[0])
        XCTAssertEqual(r.lines[1], goodID, "line 2 is the good event's id")
        XCTAssertTrue(r.lines[2].hasPrefix("refused rule mass-balance: "), r.lines[2])
        XCTAssertTrue(r.stderr.contains("admitted 1, refused 2; height 2, tree size 54"), r.stderr)

        let s = status(dir)
        XCTAssertEqual(s["tree_size"] as? Int, 54)
        XCTAssertEqual(s["height"] as? Int, 2)
        XCTAssertEqual(export(dir), before.export + goodLine + "\n", "exactly the good envelope was stored, canonical")
        let e = Hadic.json(hadic(["event", "--data", dir, goodID]).stdout)
        XCTAssertEqual(e?["index"] as? Int, 53)
        XCTAssertEqual(e?["block"] as? Int, 2)
        let block = Hadic.json(hadic(["block", "--data", dir, "2"]).stdout)
        XCTAssertEqual(block?["events"] as? [String], [goodID])
        XCTAssertEqual(block?["first_index"] as? Int, 53)
        XCTAssertEqual(SQL.query(db(dir), "SELECT lot, holder, amount FROM holdings WHERE lot = 'rempah-madura/new-1'"),
                       ["rempah-madura/new-1|rempah-madura|10000000000"], "the derived holding of the admitted lot: 10 kg in micrograms")
        hadic(["verify", "--data", dir, "--full"])

        // The same batch again: the good one is now a duplicate; nothing new is stored.
        let again = hadic(["append", "--data", dir, "--signed", batch], exit: 1)
        XCTAssertEqual(again.lines.count, 3)
        XCTAssertTrue(again.lines.dropFirst().first?.hasPrefix("refused rule duplicate: ") ?? false, again.stdout)
        XCTAssertEqual(treeSize(dir), 54)
    }

    func testTemplatesThroughAppendKeyActor() throws {
        let dir = makeFixtureLedger()
        let templates = [
            Self.lotCreateTemplate("rempah-madura/tpl-1"),
            Self.lotCreateTemplate("rempah-madura/tpl-2", amount: "-5"),
            Self.lotCreateTemplate("rempah-madura/tpl-3", time: nil),
            Self.lotCreateTemplate("rempah-madura/tpl-1", amount: "11"),
            "not json",
        ].joined(separator: "\n") + "\n"
        // HADIC_NOW pins the sequencer's clock, and the time of templates that give none.
        let now = "1893456000"  // 2030-01-01T00:00:00Z
        let r = hadic(["append", "--data", dir, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura"],
                      stdin: templates, environment: ["HADIC_NOW": now], exit: 1)
        XCTAssertEqual(r.lines.count, 5, r.summary)
        guard r.lines.count == 5 else { return }
        XCTAssertTrue(Hadic.isEventID(r.lines[0]), r.lines[0])
        XCTAssertTrue(r.lines[1].hasPrefix("refused rule schema: "), r.lines[1])
        XCTAssertTrue(Hadic.isEventID(r.lines[2]), r.lines[2])
        XCTAssertTrue(r.lines[3].hasPrefix("refused rule already-exists: "), r.lines[3])
        XCTAssertTrue(r.lines[4].hasPrefix("refused rule schema: "), r.lines[4])
        XCTAssertTrue(r.stderr.contains("admitted 2, refused 3; height 2, tree size 55"), r.stderr)

        let keyID = try PublicKey(contentsOf: Hadic.key("rempah-madura-2.key.pub")).keyID
        let first = Hadic.json(hadic(["event", "--data", dir, r.lines[0]]).stdout)
        let env1 = first?["event"] as? [String: Any]
        XCTAssertEqual(first?["index"] as? Int, 53)
        XCTAssertEqual(env1?["actor"] as? String, "rempah-madura")
        XCTAssertEqual(env1?["key"] as? String, keyID, "signed with the --key given")
        XCTAssertEqual(env1?["ledger"] as? String, Hadic.ledgerID)
        XCTAssertEqual(env1?["type"] as? String, "lot.create")
        XCTAssertEqual(env1?["time"] as? String, "2026-10-20T00:00:00Z")
        let third = Hadic.json(hadic(["event", "--data", dir, r.lines[2]]).stdout)
        XCTAssertEqual((third?["event"] as? [String: Any])?["time"] as? String, "2030-01-01T00:00:00Z",
                       "a template without time gets the clock's now")
        let exported = export(dir).split(separator: "\n").map(String.init)
        XCTAssertEqual(exported.count, 55)
        XCTAssertEqual(exported.suffix(2).map { Hadic.eventID(ofCanonicalEnvelope: $0) }, [r.lines[0], r.lines[2]])
        let block = Hadic.json(hadic(["block", "--data", dir, "2"]).stdout)
        XCTAssertEqual((block?["header"] as? [String: Any])?["time"] as? String, "2030-01-01T00:00:00Z")
        hadic(["verify", "--data", dir, "--full"])

        // A party whose role may not create lots, through templates: refused by rule role.
        let role = hadic(["append", "--data", dir, "--key", Hadic.key("dingin-logistik.key"), "--actor", "dingin-logistik"],
                         stdin: Self.lotCreateTemplate("dingin-logistik/tpl-1") + "\n", exit: 1)
        XCTAssertTrue(role.stdout.hasPrefix("refused rule role: "), role.summary)
        // A key that is not the actor's: refused by rule key-not-authorized.
        let foreign = hadic(["append", "--data", dir, "--key", Hadic.key("jakim.key"), "--actor", "rempah-madura"],
                            stdin: Self.lotCreateTemplate("rempah-madura/tpl-9") + "\n", exit: 1)
        XCTAssertTrue(foreign.stdout.hasPrefix("refused rule key-not-authorized: "), foreign.summary)
        XCTAssertEqual(treeSize(dir), 55)
    }

    func testSignReportsBadTemplatesByLine() throws {
        let templates = Self.lotCreateTemplate("rempah-madura/s-1") + "\n" + Self.lotCreateTemplate("rempah-madura/s-2", amount: "-1") + "\n"
        let r = hadic(["sign", "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura", "--ledger", Hadic.ledgerID],
                      stdin: templates, exit: 1)
        XCTAssertEqual(r.lines.count, 1, "the good template is still signed")
        XCTAssertNotNil(r.lines.first.flatMap(Hadic.eventID(ofCanonicalEnvelope:)))
        XCTAssertTrue(r.stderr.contains("line 2: rule schema"), r.stderr)
    }
}
