import Foundation
import XCTest

/// A sequencer collecting cosignatures from a witness over HTTP, through the real binaries on
/// 127.0.0.1: `hadic witness serve` answers C2SP tlog-witness's POST /add-checkpoint, hadicd
/// `--witness HOST:PORT=VKEY` sends it each new checkpoint after a block is sealed, and the
/// kept cosignature makes `hadic prove`'s bundle meet `verify-bundle --witness --quorum 1`. A
/// witness that refuses leaves the sequencer sealing and logs why.
final class WitnessCollectionTests: HadicTestCase {
    static let w1 = RunningWitness.name

    private func appendThroughNode(_ node: RunningNode, _ prefix: String, _ count: Int) throws {
        let envelopes = sign((1...count).map { Self.lotCreateTemplate("rempah-madura/\(prefix)-\($0)") }, key: "rempah-madura-2.key", actor: "rempah-madura")
        let input = try write(envelopes.joined(separator: "\n") + "\n", to: "\(prefix).jsonl")
        expect(Hadic.run(["append", "--node", node.address, "--signed", input], timeout: 120), exit: 0)
    }

    /// The cosignature lines `hadic checkpoint --data` shows after the note's own signature.
    private func cosignedCheckpoint(_ dir: String, vkey: String) -> String? {
        let shown = hadic(["checkpoint", "--data", dir]).stdout
        return shown.contains("— \(Self.w1) ") ? shown : nil
    }

    func testASequencerCollectsAVerifiedCosignatureAndABundleMeetsTheQuorum() throws {
        let dir = makeFixtureLedger("seq")
        let logKey = hadic(["witness", "log-key", "--data", dir]).stdout.trimmingCharacters(in: .newlines)
        let w = try startWitness(log: logKey, state: "wstate")
        let (witness, wport, vkey) = (w.process, w.port, w.vkey)
        defer { w.stop() }
        let node = try startNode(dir, port: NodeHarness.freePort(), ["--witness", "127.0.0.1:\(wport)=\(vkey)", "--block-max-delay-ms", "5"])
        var running: RunningNode? = node
        defer { if let running { stopNode(running) } }
        // Appends after start: the witness must be sent the newer checkpoint, from the size it holds.
        try appendThroughNode(node, "wc-a", 5)
        try appendThroughNode(node, "wc-b", 5)
        let size = NodeTests.fixtureEvents + 10
        var shown: String?
        let cosigned = HadicProcess.waitUntil(timeout: 60) {
            let head = hadic(["witness", "request", "--data", dir]).stdout
            if head.contains("\n\(size)\n"), let s = cosignedCheckpoint(dir, vkey: vkey) { shown = s; return true }
            Thread.sleep(forTimeInterval: 0.2)
            return false
        }
        XCTAssertTrue(cosigned, "no cosignature for the checkpoint of size \(size): node log \(node.log)\nwitness log \(witness.stderrSoFar)")
        XCTAssertTrue(shown?.contains("\n\(size)\n") == true, shown ?? "")
        // Through the node: the same note and lines, once the head is the cosigned one.
        XCTAssertEqual(hadic(["checkpoint", "--node", node.address]).stdout, shown)
        let bundle = path("lot.bundle.json")
        hadic(["prove", "--data", dir, "urn:epc:class:lgtin:8991234.012345.RDG2610A", "--out", bundle, "--at", "2026-11-20T00:00:00Z"])
        let verified = hadic(["verify-bundle", bundle, "--trust", Hadic.key("sequencer.key.pub"), "--witness", vkey, "--quorum", "1"])
        XCTAssertTrue(verified.stdout.contains(Self.w1), verified.stdout)
        // The witness moved forward with the ledger: a 409 from the start size is not left behind in its log.
        XCTAssertFalse(node.log.contains("did not cosign"), node.log)

        // After a restart the sequencer starts from the size the witness cosigned (kept in
        // DIR/cosignatures), not from 0: the witness refuses nothing.
        stopNode(node)
        running = nil
        let again = try startNode(dir, port: NodeHarness.freePort(), ["--witness", "127.0.0.1:\(wport)=\(vkey)", "--block-max-delay-ms", "5"])
        running = again
        try appendThroughNode(again, "wc-c", 5)
        let recosigned = HadicProcess.waitUntil(timeout: 60) {
            if cosignedCheckpoint(dir, vkey: vkey)?.contains("\n\(size + 5)\n") == true { return true }
            Thread.sleep(forTimeInterval: 0.2)
            return false
        }
        XCTAssertTrue(recosigned, "no cosignature after the restart: node log \(again.log)\nwitness log \(witness.stderrSoFar)")
        XCTAssertFalse(witness.stderrSoFar.contains("old-size-mismatch"), witness.stderrSoFar)
        XCTAssertFalse(again.log.contains("did not cosign"), again.log)
    }

    func testAWitnessThatRefusesLeavesTheSequencerSealingAndIsLogged() throws {
        let dir = makeFixtureLedger("seq")
        // Another ledger's key: the witness answers 404 unknown-origin to everything this sequencer sends.
        let other = path("other")
        hadic(["init", "--data", other, "--name", "other.example/ledger", "--sequencer-key", Hadic.key("sequencer.key"),
               "--admin-key", Hadic.key("hcms-admin.key.pub"), "--admin-name", "hcms-admin"])
        let wrongKey = hadic(["witness", "log-key", "--data", other]).stdout.trimmingCharacters(in: .newlines)
        let w = try startWitness(log: wrongKey, state: "wstate")
        let (wport, vkey) = (w.port, w.vkey)
        defer { w.stop() }
        let node = try startNode(dir, port: NodeHarness.freePort(), ["--witness", "127.0.0.1:\(wport)=\(vkey)", "--block-max-delay-ms", "5"])
        defer { stopNode(node) }
        try appendThroughNode(node, "wr", 5)
        waitForTreeSize(node, NodeTests.fixtureEvents + 5, timeout: 60)
        let logged = HadicProcess.waitUntil(timeout: 30) {
            if node.log.contains("did not cosign") && node.log.contains("404") { return true }
            Thread.sleep(forTimeInterval: 0.2)
            return false
        }
        XCTAssertTrue(logged, "the refusal is not logged: \(node.log)")
        XCTAssertTrue(node.log.contains(Self.w1), node.log)
        XCTAssertNil(cosignedCheckpoint(dir, vkey: vkey))
    }
}
