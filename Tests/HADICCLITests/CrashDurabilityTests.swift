import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// kill -9 in the middle of `hadic append`: the ledger still verifies, every id printed before
/// the kill (acknowledged) is stored, and re-running the same input admits the rest, refusing
/// only duplicates (docs/STORAGE.md, "Durability").
final class CrashDurabilityTests: HadicTestCase {
    static let eventCount = 2000
    static let blockSize = 50

    func testKill9MidIngestLosesNoAcknowledgedEvent() throws {
        try SQL.requireTool()
        let dir = makeFixtureLedger()
        let fixtureIDs = Set(Hadic.chainLines.compactMap(Hadic.eventID(ofCanonicalEnvelope:)))

        let templates = (1...Self.eventCount).map { Self.lotCreateTemplate("rempah-madura/crash-\($0)") }
        let envelopes = sign(templates, key: "rempah-madura-2.key", actor: "rempah-madura")
        XCTAssertEqual(envelopes.count, Self.eventCount)
        guard envelopes.count == Self.eventCount else { return }
        let newIDs = envelopes.map { Hadic.eventID(ofCanonicalEnvelope: $0) ?? "?" }
        XCTAssertEqual(Set(newIDs).count, Self.eventCount)
        let input = try write(envelopes.joined(separator: "\n") + "\n", to: "crash.jsonl")
        let appendArgs = ["append", "--data", dir, "--signed", input, "--block-size", "\(Self.blockSize)"]

        var rng = SystemRandomNumberGenerator()
        var killedMidIngest = 0
        var log: [String] = []
        for round in 0..<3 {
            let committedBefore = storedIDs(dir).count - fixtureIDs.count
            let p = try Hadic.start(appendArgs)
            // Kill once this run has committed at least one new block, after a random delay
            // that grows with the round.
            let started = HadicProcess.waitUntil(timeout: 60) {
                p.stdoutSoFar.split(separator: "\n").contains { Hadic.isEventID(String($0)) } || !p.isRunning
            }
            XCTAssertTrue(started, "round \(round): no block was committed within 60 s")
            let delay = Double.random(in: 0...(0.05 + 0.1 * Double(round)), using: &rng)
            usleep(UInt32(delay * 1_000_000))
            p.sendSignal(SIGKILL)
            let r = p.wait(timeout: 30)
            XCTAssertFalse(r.timedOut, r.summary)
            let killed = r.signaled && r.status == SIGKILL
            if killed { killedMidIngest += 1 }

            // What the killed process acknowledged: complete lines only.
            var text = r.stdout
            if !text.hasSuffix("\n"), let cut = text.lastIndex(of: "\n") { text = String(text[...cut]) } else if !text.hasSuffix("\n") { text = "" }
            let lines = text.split(separator: "\n").map(String.init)
            let acked = lines.filter(Hadic.isEventID)
            let refusals = lines.filter { !Hadic.isEventID($0) }
            XCTAssertTrue(refusals.allSatisfy { $0.hasPrefix("refused rule duplicate: ") },
                          "round \(round): only re-sent events may be refused: \(refusals.prefix(3))")
            XCTAssertLessThanOrEqual(refusals.count, committedBefore, "round \(round)")
            XCTAssertEqual(Array(lines.prefix(refusals.count)), refusals, "round \(round): refusals come first (the stored prefix)")
            if !acked.isEmpty {
                XCTAssertEqual(refusals.count, committedBefore, "round \(round): every event stored by earlier rounds is refused as a duplicate")
                XCTAssertEqual(acked, Array(newIDs[committedBefore..<min(newIDs.count, committedBefore + acked.count)]),
                               "round \(round): the acknowledged ids are the next input events, in order")
            }

            // The store is intact and holds every acknowledged event.
            let v = hadic(["verify", "--data", dir, "--full"])
            XCTAssertTrue(v.stdout.hasPrefix("intact:"), "round \(round): \(v.summary)")
            let stored = storedIDs(dir)
            let missing = acked.filter { !stored.contains($0) }
            XCTAssertEqual(missing, [], "round \(round): acknowledged events lost by kill -9")
            XCTAssertTrue(stored.isSuperset(of: fixtureIDs))
            XCTAssertTrue(stored.subtracting(fixtureIDs).isSubset(of: Set(newIDs)), "round \(round): only input events are stored")
            XCTAssertEqual(treeSize(dir), stored.count, "round \(round): the head commits to every stored event")
            XCTAssertEqual((stored.count - 53) % Self.blockSize, 0, "round \(round): whole blocks only (input in order)")
            XCTAssertGreaterThanOrEqual(stored.count - fixtureIDs.count, committedBefore + acked.count)
            for id in [acked.first, acked.last].compactMap({ $0 }) {
                let e = hadic(["event", "--data", dir, id])
                XCTAssertEqual(Hadic.json(e.stdout)?["id"] as? String, id)
            }
            log.append("round \(round): delay \(String(format: "%.3f", delay)) s, \(killed ? "killed" : "finished first"), acknowledged \(acked.count), stored \(stored.count - 53) of \(Self.eventCount)")
        }
        XCTAssertGreaterThan(killedMidIngest, 0, "no round was actually killed mid-ingest: \(log)")
        print("CrashDurabilityTests: " + log.joined(separator: "; "))

        // The same input again: the rest is admitted, the stored ones refused as duplicates only.
        let storedBefore = storedIDs(dir).count - 53
        let rest = Hadic.run(appendArgs, timeout: 120)
        expect(rest, exit: storedBefore > 0 ? 1 : 0, "\(log)")
        XCTAssertEqual(rest.lines.count, Self.eventCount)
        let admitted = rest.lines.filter(Hadic.isEventID)
        let refused = rest.lines.filter { !Hadic.isEventID($0) }
        XCTAssertEqual(refused.count, storedBefore, "\(log)")
        XCTAssertTrue(refused.allSatisfy { $0.hasPrefix("refused rule duplicate: ") }, "\(refused.prefix(3))")
        XCTAssertEqual(admitted.count, Self.eventCount - storedBefore)
        XCTAssertEqual(Array(newIDs.suffix(admitted.count)), admitted, "the rest is admitted in input order")

        XCTAssertEqual(treeSize(dir), 53 + Self.eventCount)
        XCTAssertEqual(storedIDs(dir), fixtureIDs.union(newIDs))
        let v = hadic(["verify", "--data", dir, "--full"])
        XCTAssertTrue(v.stdout.hasPrefix("intact:") && v.stdout.contains("\(53 + Self.eventCount) events"), v.stdout)
    }

    func storedIDs(_ dir: String, file: StaticString = #filePath, line: UInt = #line) -> Set<String> {
        Set(SQL.query(db(dir), "SELECT lower(hex(id)) FROM events", file: file, line: line))
    }
}
