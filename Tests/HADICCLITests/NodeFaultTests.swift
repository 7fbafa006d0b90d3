import Foundation
import HADICCrypto
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Faults found in review, each with the behaviour that mends it: what a replica answers for
/// forwarded submissions when it stops or a block is slow, blocks a replica can always fetch,
/// a replica whose copy predates its upstream's registration, and a peer that is alive but stuck.
final class NodeFaultTests: HadicTestCase {
    static let base = 53 + 1

    /// `unavailable` promises that nothing was stored: no event answered so may be in `dir`.
    private func assertNothingAnsweredUnavailableWasStored(_ answers: [String], _ envelopes: [String], in dir: String,
                                                           file: StaticString = #filePath, line: UInt = #line) {
        let stored = Set(storedEventIDs(dir))
        let ids = envelopes.compactMap(Hadic.eventID(ofCanonicalEnvelope:))
        let refusedButStored = zip(answers, ids).filter { $0.0.hasPrefix("refused rule unavailable") && stored.contains($0.1) }
        XCTAssertEqual(refusedButStored.count, 0, "no event answered unavailable (nothing stored) was stored", file: file, line: line)
    }

    private func templates(_ prefix: String, _ count: Int) -> [String] {
        (1...count).map { Self.lotCreateTemplate("rempah-madura/\(prefix)-\($0)") }
    }

    /// A replica stopped gracefully while a forwarded submission waits for its block waits for
    /// the sequencer's answer: the client gets its receipts, never `unavailable` for a stored event.
    func testAReplicaStoppingWaitsForTheAnswersToWhatItForwarded() throws {
        let seqDir = makeFixtureLedger("seq")
        let rKey = makeNodeKey("replica-1")
        registerNodes(seqDir, [("replica-1", rKey)])
        let seq = try startNode(seqDir, port: NodeHarness.freePort(), ["--block-max-events", "100000", "--block-max-delay-ms", "6000"])
        defer { stopNode(seq) }
        let r1 = try startNode(path("r1"), port: NodeHarness.freePort(), ["--node-key", rKey, "--ledger", Hadic.ledgerID, "--peer", seq.address])
        waitForTreeSize(r1, Self.base, timeout: 60)
        let envelopes = sign(templates("fwd", 5), key: "rempah-madura-2.key", actor: "rempah-madura")
        let input = try write(envelopes.joined(separator: "\n") + "\n", to: "fwd.jsonl")
        let client = try Hadic.start(["append", "--node", r1.address, "--signed", input])
        Thread.sleep(forTimeInterval: 1.5)
        stopNode(r1)
        let r = client.wait(timeout: 30)
        XCTAssertEqual(r.lines.filter(Hadic.isEventID).count, 5, "the client got every receipt: \(r.summary)")
        waitForTreeSize(seq, Self.base + 5, timeout: 30)
        assertNothingAnsweredUnavailableWasStored(r.lines, envelopes, in: seqDir)
    }

    /// With block_max_delay_ms above the 30 s request timeout, a forwarded submission does not
    /// hold up the replica's own fetches (it has a connection of its own): the client gets its
    /// receipts when the block is sealed.
    func testASlowBlockDoesNotMakeAReplicaLoseWhatItForwarded() throws {
        let seqDir = makeFixtureLedger("seq")
        let rKey = makeNodeKey("replica-1")
        registerNodes(seqDir, [("replica-1", rKey)])
        let seq = try startNode(seqDir, port: NodeHarness.freePort(), ["--block-max-events", "100000", "--block-max-delay-ms", "36000"])
        defer { stopNode(seq) }
        let r1 = try startNode(path("r1"), port: NodeHarness.freePort(), ["--node-key", rKey, "--ledger", Hadic.ledgerID, "--peer", seq.address])
        defer { stopNode(r1) }
        waitForTreeSize(r1, Self.base, timeout: 60)
        let envelopes = sign(templates("slow", 3), key: "rempah-madura-2.key", actor: "rempah-madura")
        let input = try write(envelopes.joined(separator: "\n") + "\n", to: "slow.jsonl")
        let started = Date()
        let r = Hadic.run(["append", "--node", r1.address, "--signed", input], timeout: 90)
        XCTAssertEqual(r.lines.filter(Hadic.isEventID).count, 3, "the client got every receipt: \(r.summary)")
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 30, "the block was sealed at its delay")
        waitForTreeSize(seq, Self.base + 3, timeout: 30)
        assertNothingAnsweredUnavailableWasStored(r.lines, envelopes, in: seqDir)
    }

    /// With block_max_events at 100,000, 40,000 events (17.5 MB) are sealed in blocks of at most
    /// 4 MiB, two of which fit a frame: a replica fetches them all.
    func testBlocksNeverOutgrowWhatAReplicaCanFetch() throws {
        let seqDir = makeFixtureLedger("seq")
        let rKey = makeNodeKey("replica-1")
        registerNodes(seqDir, [("replica-1", rKey)])
        let n = 40_000
        let envelopes = sign(templates("big", n), key: "rempah-madura-2.key", actor: "rempah-madura")
        XCTAssertGreaterThan(envelopes.reduce(0) { $0 + $1.utf8.count }, 16 << 20, "more than one frame's worth")
        let input = try write(envelopes.joined(separator: "\n") + "\n", to: "big.jsonl")
        let seq = try startNode(seqDir, port: NodeHarness.freePort(), ["--block-max-events", "100000", "--block-max-delay-ms", "20000"])
        defer { stopNode(seq) }
        let r = Hadic.run(["append", "--node", seq.address, "--signed", input, "--block-size", "2000"], timeout: 200)
        XCTAssertEqual(r.lines.filter(Hadic.isEventID).count, n, r.summary)
        let largest = SQL.query(db(seqDir), "SELECT MAX(LENGTH(header)) + SUM(LENGTH(leaf)) FROM events JOIN blocks ON blocks.height = events.block GROUP BY events.block ORDER BY 1 DESC LIMIT 1")
        XCTAssertLessThanOrEqual(Int(largest.first ?? "") ?? .max, 4 << 20 + 4096, "no block holds more than 4 MiB of events")
        let r1 = try startNode(path("r1"), port: NodeHarness.freePort(), ["--node-key", rKey, "--ledger", Hadic.ledgerID, "--peer", seq.address])
        defer { stopNode(r1) }
        let caughtUp = waitForTreeSize(r1, Self.base + n, timeout: 60)
        XCTAssertTrue(caughtUp, "the replica fetched every block")
    }

    /// A replica whose first peer is alive but stuck behind (its own upstream is gone) moves,
    /// after `--peer-stall-seconds` without a new block, to a peer that is ahead.
    func testAReplicaMovesFromAStuckPeerToOneThatIsAhead() throws {
        let seqDir = makeFixtureLedger("seq")
        let r1Key = makeNodeKey("replica-1"), r2Key = makeNodeKey("replica-2")
        registerNodes(seqDir, [("replica-1", r1Key), ("replica-2", r2Key)])
        let stuckDir = try copyLedger(seqDir, to: "stuck")
        try? FileManager.default.removeItem(atPath: (stuckDir as NSString).appendingPathComponent("node.json"))
        let envelopes = sign(templates("later", 5), key: "rempah-madura-2.key", actor: "rempah-madura")
        let input = try write(envelopes.joined(separator: "\n") + "\n", to: "later.jsonl")
        XCTAssertEqual(hadic(["append", "--data", seqDir, "--signed", input]).lines.filter(Hadic.isEventID).count, 5)
        let seq = try startNode(seqDir, port: NodeHarness.freePort())
        defer { stopNode(seq) }
        let total = try XCTUnwrap(nodeStatus(seq)?["tree_size"] as? Int)
        // Its only upstream is a port nothing listens on: it serves its old copy and never grows.
        let stuck = try startNode(stuckDir, port: NodeHarness.freePort(), ["--role", "replica", "--node-key", r2Key, "--ledger", Hadic.ledgerID,
                                                                          "--peer", "127.0.0.1:\(NodeHarness.freePort())"])
        defer { stopNode(stuck) }
        let stuckSize = try XCTUnwrap(nodeStatus(stuck)?["tree_size"] as? Int)
        XCTAssertEqual(stuckSize, total - 5)
        let r1 = try startNode(path("r1"), port: NodeHarness.freePort(), ["--node-key", r1Key, "--ledger", Hadic.ledgerID,
                                                                          "--peer", stuck.address, "--peer", seq.address, "--peer-stall-seconds", "2"])
        defer { stopNode(r1) }
        XCTAssertTrue(waitForTreeSize(r1, stuckSize, timeout: 30), "r1 first follows the stuck peer")
        XCTAssertTrue(waitForTreeSize(r1, total, timeout: 30), "then moves to the sequencer: \(r1.log.suffix(2000))")
        XCTAssertTrue(r1.log.contains("moving to a peer that is ahead"), r1.log)
    }

    /// A replica whose copy predates its upstream's node registration (restored from a backup,
    /// or killed while catching up) still follows that configured peer.
    func testAReplicaFollowsAConfiguredPeerItsCopyDoesNotYetKnowAsANode() throws {
        let seqDir = makeFixtureLedger("seq")
        let r2Dir = try copyLedger(seqDir, to: "r2")  // a copy taken before the nodes were registered
        try? FileManager.default.removeItem(atPath: (r2Dir as NSString).appendingPathComponent("node.json"))
        let r1Key = makeNodeKey("replica-1"), r2Key = makeNodeKey("replica-2")
        registerNodes(seqDir, [("replica-1", r1Key), ("replica-2", r2Key)])
        let seq = try startNode(seqDir, port: NodeHarness.freePort())
        defer { stopNode(seq) }
        let r1 = try startNode(path("r1"), port: NodeHarness.freePort(), ["--node-key", r1Key, "--ledger", Hadic.ledgerID, "--peer", seq.address])
        defer { stopNode(r1) }
        waitForTreeSize(r1, Self.base + 1, timeout: 60)
        let r2 = try startNode(r2Dir, port: NodeHarness.freePort(), ["--role", "replica", "--node-key", r2Key, "--ledger", Hadic.ledgerID, "--peer", r1.address])
        defer { stopNode(r2) }
        let ok = waitForTreeSize(r2, Self.base + 1, timeout: 20)
        XCTAssertTrue(ok, "r2 follows its configured upstream")
    }
}
