import Foundation
import XCTest

/// `hadic synth --bom deep`: the deep synthetic chain that query benchmarks use is admissible
/// in order, deterministic for a seed, and its finished lots have deep, wide ancestries.
final class SynthDeepTests: HadicTestCase {
    static let events = 20_000

    func testDeepChainIsAdmissibleDeterministicAndDeep() throws {
        let data = path("data")
        let events = path("events.jsonl")
        let synth = synthesize(data: data, out: events)
        XCTAssertEqual(synth.lines.count, 1, "synth prints the ledger id only: \(synth.summary)")
        XCTAssertTrue(synth.lines.first.map(Hadic.isEventID) ?? false, synth.stdout)
        XCTAssertTrue(synth.stderr.contains("synth: deep bill of materials: \(Self.events) events"), synth.stderr)

        let append = expect(Hadic.run(["append", "--data", data, "--signed", events], timeout: 120), exit: 0)
        XCTAssertTrue(append.stderr.contains("admitted \(Self.events), refused 0"), append.stderr)
        XCTAssertEqual(append.lines.count, Self.events)
        XCTAssertFalse(append.lines.contains { $0.hasPrefix("refused") }, append.lines.first { $0.hasPrefix("refused") } ?? "")

        // The same seed gives the same ledger id and the same bytes.
        let again = path("events-again.jsonl")
        let rerun = synthesize(data: path("data-again"), out: again)
        XCTAssertEqual(rerun.stdout, synth.stdout)
        let first = try Data(contentsOf: URL(fileURLWithPath: events))
        let second = try Data(contentsOf: URL(fileURLWithPath: again))
        XCTAssertTrue(first == second, "two runs with the same seed must write byte-identical events")

        // The last finished lot: its ingredient tree goes down all 8 levels, over many lots.
        let lot = try XCTUnwrap(Self.lastFinishedLot(in: first), "no finished lot (PARTY/L7-N) was made")
        let trace = hadic(["trace", "back", "--data", data, "--json", lot])
        let root = try XCTUnwrap(Hadic.json(trace.stdout), trace.summary)
        XCTAssertTrue(["ready-meal", "frozen-meal", "instant-noodle", "canned-curry"].contains(root["class"] as? String ?? ""), trace.summary)
        var tree = TreeStats()
        tree.walk(root, depth: 0)
        XCTAssertEqual(tree.depth, 7, "\(lot): a finished lot traces back through 7 transformations to a raw lot")
        XCTAssertEqual(tree.levels, Set(0...7), "\(lot): its ancestry holds lots of every level")
        XCTAssertGreaterThan(tree.lots.count, 50, "\(lot): ancestry of \(tree.lots.count) lots")
        // Makers hold certificates valid over the whole run: nearly every step names one in force.
        XCTAssertGreaterThan(tree.stepsWithCertificate * 10, tree.steps * 9,
                             "\(tree.stepsWithCertificate) of \(tree.steps) steps with a certificate in force")
    }

    func testDeepChainNeedsEnoughPartiesForItsTiers() {
        let help = hadic(["synth", "--help"])
        XCTAssertTrue(help.stdout.contains("--bom") && help.stdout.contains("deep"), help.stdout)
        let r = hadic(["synth", "--bom", "deep", "--parties", "10", "--events", "100", "--data", path("d"), "--out", path("e")], exit: 64)
        XCTAssertTrue(r.stderr.contains("--parties 20 or more"), r.summary)
    }

    @discardableResult
    private func synthesize(data: String, out: String, file: StaticString = #filePath, line: UInt = #line) -> ProcessResult {
        expect(Hadic.run(["synth", "--bom", "deep", "--events", "\(Self.events)", "--seed", "7", "--data", data, "--out", out],
                         timeout: 120), exit: 0, file: file, line: line)
    }

    /// The output of the last transformation making a finished lot (`PARTY/L7-N`).
    static func lastFinishedLot(in events: Data) -> String? {
        for line in String(decoding: events, as: UTF8.self).split(separator: "\n").reversed()
        where line.contains("\"type\":\"lot.transform\"") && line.contains("/L7-") {
            guard let envelope = Hadic.json(String(line)), let body = envelope["body"] as? [String: Any],
                  let outputs = body["outputs"] as? [[String: Any]], let lot = outputs.first?["lot"] as? String else { return nil }
            return lot
        }
        return nil
    }
}

/// What a `trace back --json` tree holds: its depth, distinct lots, their levels (from the
/// `PARTY/L<level>-N` ids), and how many steps name a certificate in force.
private struct TreeStats {
    var depth = 0
    var lots = Set<String>()
    var levels = Set<Int>()
    var steps = 0
    var stepsWithCertificate = 0

    mutating func walk(_ node: [String: Any], depth: Int) {
        self.depth = max(self.depth, depth)
        if let lot = node["lot"] as? String {
            lots.insert(lot)
            if let level = Self.level(of: lot) { levels.insert(level) }
        }
        if node["repeated"] as? Bool != true, let step = node["step"] as? [String: Any] {
            steps += 1
            if !((step["certificates"] as? [Any]) ?? []).isEmpty { stepsWithCertificate += 1 }
        }
        for child in (node["children"] as? [[String: Any]]) ?? [] { walk(child, depth: depth + 1) }
    }

    static func level(of lot: String) -> Int? {
        guard let marker = lot.range(of: "/L") else { return nil }
        return Int(lot[marker.upperBound...].prefix { $0 != "-" })
    }
}
