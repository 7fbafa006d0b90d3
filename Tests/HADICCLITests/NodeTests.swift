import Foundation
import HADICCrypto
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// hadicd as it is run: separate processes on 127.0.0.1 (a sequencer, replicas, and `hadic`
/// clients), real SQLite files, every wait bounded.
final class NodeTests: HadicTestCase {
    /// 53 fixture events, then the registrations of the replicas.
    static let fixtureEvents = 53

    private func templates(_ prefix: String, _ count: Int) -> [String] {
        (1...count).map { Self.lotCreateTemplate("rempah-madura/\(prefix)-\($0)") }
    }

    // MARK: One sequencer, two replicas, twenty clients

    func testTwentyClientsThroughThreeNodesGetOneReceiptPerEventAndTheNodesHoldOneLedger() throws {
        let seqDir = makeFixtureLedger("seq")
        let r1Key = makeNodeKey("replica-1"), r2Key = makeNodeKey("replica-2")
        registerNodes(seqDir, [("replica-1", r1Key), ("replica-2", r2Key)])
        let base = Self.fixtureEvents + 2

        let clients = 20, perClient = 1000
        let envelopes = sign(templates("node-c", clients * perClient), key: "rempah-madura-2.key", actor: "rempah-madura")
        XCTAssertEqual(envelopes.count, clients * perClient)
        guard envelopes.count == clients * perClient else { return }
        let expected = envelopes.map { Hadic.eventID(ofCanonicalEnvelope: $0) ?? "?" }

        let seq = try startNode(seqDir, port: NodeHarness.freePort(), ["--block-max-events", "500", "--block-max-delay-ms", "10"])
        // r1 follows the sequencer; r2 follows r1 (a replica may follow any node).
        let r1 = try startNode(path("r1"), port: NodeHarness.freePort(), ["--node-key", r1Key, "--ledger", Hadic.ledgerID, "--peer", seq.address])
        let r2 = try startNode(path("r2"), port: NodeHarness.freePort(), ["--node-key", r2Key, "--ledger", Hadic.ledgerID, "--peer", r1.address])
        waitForTreeSize(r2, base, timeout: 60)
        let nodes = [seq, r1, r2]

        // Twenty client processes at once, spread over the three nodes (replicas forward).
        var running: [(HadicProcess, [String])] = []
        for c in 0..<clients {
            let slice = Array(envelopes[(c * perClient)..<((c + 1) * perClient)])
            let input = try write(slice.joined(separator: "\n") + "\n", to: "client-\(c).jsonl")
            let p = try Hadic.start(["append", "--node", nodes[c % 3].address, "--signed", input, "--block-size", "100"])
            running.append((p, Array(expected[(c * perClient)..<((c + 1) * perClient)])))
        }
        var receipts: [String] = []
        for (c, (p, ids)) in running.enumerated() {
            let r = expect(p.wait(timeout: 300), exit: 0, "client \(c)")
            XCTAssertEqual(r.lines, ids, "client \(c) gets one receipt (its event id) per event, in order")
            receipts += r.lines
        }
        XCTAssertEqual(Set(receipts).count, clients * perClient, "every event got exactly one receipt")

        for node in nodes { waitForTreeSize(node, base + clients * perClient) }
        for node in nodes { stopNode(node) }

        let exports = nodes.map { export($0.dir) }
        for (node, text) in zip(nodes, exports) {
            let r = hadic(["verify", "--data", node.dir, "--full"])
            XCTAssertTrue(r.stdout.hasPrefix("intact"), r.summary)
            XCTAssertEqual(text, exports[0], "\(node.dir) holds the same events in the same order as the sequencer")
        }
        let stored = storedEventIDs(seqDir)
        XCTAssertEqual(stored.count, base + clients * perClient)
        XCTAssertEqual(Set(stored).count, stored.count, "each event appears exactly once")
        XCTAssertTrue(Set(expected).isSubset(of: Set(stored)), "every receipted event is stored")
        for node in nodes {
            let blocks = SQL.query(db(node.dir), "SELECT hex(hash) || ':' || hex(signature) FROM blocks ORDER BY height")
            XCTAssertEqual(blocks, SQL.query(db(seqDir), "SELECT hex(hash) || ':' || hex(signature) FROM blocks ORDER BY height"),
                           "\(node.dir) holds the sequencer's blocks, signatures included")
        }
    }

    // MARK: kill -9

    func testKill9OfTheSequencerMidIngestLosesNoReceiptedEventAndAKilledReplicaCatchesUp() throws {
        try SQL.requireTool()
        let dir = makeFixtureLedger("seq")
        let rKey = makeNodeKey("replica-1")
        registerNodes(dir, [("replica-1", rKey)])
        let envelopes = sign(templates("kill", 3000), key: "rempah-madura-2.key", actor: "rempah-madura")
        let input = try write(envelopes.joined(separator: "\n") + "\n", to: "kill.jsonl")
        let port = NodeHarness.freePort()
        var seq = try startNode(dir, port: port, ["--block-max-events", "50", "--block-max-delay-ms", "5"])

        var rng = SystemRandomNumberGenerator()
        var acknowledged = Set<String>()
        var killedMidIngest = 0
        for round in 0..<3 {
            let client = try Hadic.start(["append", "--node", seq.address, "--signed", input, "--block-size", "50"])
            let receiving = HadicProcess.waitUntil(timeout: 60) {
                client.stdoutSoFar.split(separator: "\n").contains { Hadic.isEventID(String($0)) } || !client.isRunning
            }
            XCTAssertTrue(receiving, "round \(round): no receipt within 60 s")
            Thread.sleep(forTimeInterval: Double.random(in: 0...(0.02 + 0.1 * Double(round)), using: &rng))
            let stillIngesting = client.isRunning
            seq.process.sendSignal(SIGKILL)
            let killed = seq.process.wait(timeout: 30)
            XCTAssertTrue(killed.signaled, "round \(round): the sequencer was killed")
            let r = client.wait(timeout: 60)
            if stillIngesting && r.status != 0 { killedMidIngest += 1 }
            let ids = r.lines.filter(Hadic.isEventID)
            acknowledged.formUnion(ids)

            seq = try startNode(dir, port: port, ["--block-max-events", "50", "--block-max-delay-ms", "5"])
            let stored = Set(storedEventIDs(dir))
            let missing = acknowledged.subtracting(stored)
            XCTAssertTrue(missing.isEmpty, "round \(round): \(missing.count) receipted events are missing after the restart")
            let v = hadic(["verify", "--data", dir, "--full"])
            XCTAssertTrue(v.stdout.hasPrefix("intact"), "round \(round): \(v.summary)")
        }
        XCTAssertGreaterThan(killedMidIngest, 0, "at least one kill landed while the client was still being answered")

        // Submitting everything again: what is stored is refused as a duplicate, the rest admitted.
        // Exit 1: some events were refused (as duplicates).
        let again = expect(Hadic.run(["append", "--node", seq.address, "--signed", input, "--block-size", "200"], timeout: 120), exit: 1)
        for line in again.lines where !Hadic.isEventID(line) {
            XCTAssertTrue(line.hasPrefix("refused rule duplicate"), line)
        }
        let all = Set(envelopes.compactMap(Hadic.eventID(ofCanonicalEnvelope:)))
        XCTAssertTrue(all.isSubset(of: Set(storedEventIDs(dir))), "every event is stored once submitted again")
        let total = Self.fixtureEvents + 1 + envelopes.count

        // A replica killed while catching up catches up on restart.
        let replicaDir = path("replica")
        let replicaArgs = ["--node-key", rKey, "--ledger", Hadic.ledgerID, "--peer", seq.address]
        var replica = try startNode(replicaDir, port: NodeHarness.freePort(), replicaArgs)
        _ = HadicProcess.waitUntil(timeout: 30) { ((self.nodeStatus(replica)?["height"] as? Int) ?? 0) >= 2 }
        replica.process.sendSignal(SIGKILL)
        _ = replica.process.wait(timeout: 30)
        replica = try startNode(replicaDir, port: replica.port, replicaArgs)
        waitForTreeSize(replica, total)
        stopNode(replica)
        stopNode(seq)
        let v = hadic(["verify", "--data", replicaDir, "--full"])
        XCTAssertTrue(v.stdout.hasPrefix("intact"), v.summary)
        XCTAssertEqual(export(replicaDir), export(dir))
    }

    // MARK: Bad frames

    func testBadFramesAreAnsweredWithAnErrorAndClosedAndTheNodeKeepsServing() throws {
        let dir = makeFixtureLedger("seq")
        let node = try startNode(dir, port: NodeHarness.freePort())
        defer { stopNode(node) }
        let stranger = try PrivateKey.generate(.ed25519)
        let zeroRoot = Base64.encode([UInt8](repeating: 0, count: 32))
        func hello(kind: String, ledger: String, key: PrivateKey) -> String {
            "{\"head\":{\"height\":0,\"root\":\"\(zeroRoot)\",\"tree_size\":0},\"kind\":\"\(kind)\",\"ledger\":\"\(ledger)\","
                + "\"node_key\":\"\(Base64.encode(key.publicKey.spkiDER))\",\"nonce\":\"\(Base64.encode([UInt8](repeating: 7, count: 32)))\",\"v\":1}"
        }
        let cases: [(what: String, bytes: [UInt8], code: String)] = [
            ("unknown message type", RawConnection.frame(0x99, "{}"), "unknown-message-type"),
            ("a body that is not JSON", RawConnection.frame(0x01, "{not json"), "malformed-message"),
            ("a non-canonical body", RawConnection.frame(0x04, "{ \"nonce\": 1 }"), "malformed-message"),
            ("a 2 GiB frame header", [0x7f, 0xff, 0xff, 0xff, 0x01], "frame-too-large"),
            ("a 100 KiB frame before the handshake", [0x00, 0x01, 0x90, 0x00], "frame-too-large"),
            ("an empty frame", [0, 0, 0, 0], "malformed-frame"),
            ("a request before the handshake", RawConnection.frame(0x20, "{}"), "unauthenticated"),
            ("a hello for another ledger", RawConnection.frame(0x01, hello(kind: "client", ledger: String(repeating: "ab", count: 32), key: stranger)), "wrong-ledger"),
            ("a node hello with a key the ledger does not know", RawConnection.frame(0x01, hello(kind: "node", ledger: Hadic.ledgerID, key: stranger)), "unknown-node"),
            ("a hello of protocol version 2", RawConnection.frame(0x01, hello(kind: "client", ledger: Hadic.ledgerID, key: stranger).replacingOccurrences(of: "\"v\":1", with: "\"v\":2")), "unsupported-version"),
        ]
        for c in cases {
            guard let conn = RawConnection(port: node.port) else { XCTFail("\(c.what): cannot connect"); continue }
            conn.send(c.bytes)
            guard let received = conn.readUntilClosed() else { XCTFail("\(c.what): the node did not close the connection within 5 s"); continue }
            let frames = RawConnection.frames(received)
            XCTAssertEqual(frames.first?.type, 0x01, "\(c.what): the node's hello comes first")
            let error = frames.first { $0.type == 0x03 }
            XCTAssertNotNil(error, "\(c.what): answered with an error frame")
            XCTAssertTrue(error?.body.contains("\"code\":\"\(c.code)\"") ?? false, "\(c.what): \(error?.body ?? "none")")
            // It keeps serving everyone else.
            XCTAssertEqual(nodeStatus(node)?["tree_size"] as? Int, Self.fixtureEvents, "\(c.what): the node still answers")
        }
        // A frame cut off by the connection's end: closed, and the node goes on.
        if let conn = RawConnection(port: node.port) {
            conn.send([0x00, 0x00, 0x00, 0x40, 0x04, 0x7b])
            conn.shutdownWrite()
            XCTAssertNotNil(conn.readUntilClosed(), "a truncated frame: the connection is closed")
        }
        XCTAssertNotNil(nodeStatus(node))
        // Every refusal is logged with its reason.
        for c in cases { XCTAssertTrue(node.log.contains("code=\(c.code)"), "the log names \(c.code)") }
        XCTAssertTrue(node.log.contains("connection closed"), "refused connections are logged")
    }

    // MARK: One history

    func testAForkOfferedByAPeerIsRefusedAndKeptAsEvidenceAndABlockSignedByAnotherKeyIsRefused() throws {
        try SQL.requireTool()
        let dir = makeFixtureLedger("seq")
        let r1Key = makeNodeKey("replica-1"), r2Key = makeNodeKey("replica-2")
        registerNodes(dir, [("replica-1", r1Key), ("replica-2", r2Key)])
        // The same sequencer key signing two histories from the same genesis.
        let rogueDir = try copyLedger(dir, to: "rogue")
        let badKeyDir = try copyLedger(dir, to: "badkey")
        hadic(["append", "--data", dir, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura"],
              stdin: Self.lotCreateTemplate("rempah-madura/honest") + "\n")
        hadic(["append", "--data", rogueDir, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura"],
              stdin: Self.lotCreateTemplate("rempah-madura/forked") + "\n")
        let honestHeight = SQL.query(db(dir), "SELECT MAX(height) FROM blocks").first.flatMap { Int($0) } ?? -1
        XCTAssertEqual(SQL.query(db(rogueDir), "SELECT MAX(height) FROM blocks").first.flatMap { Int($0) }, honestHeight)

        // A third copy whose newest block is re-signed by a key that is not the sequencer's.
        hadic(["append", "--data", badKeyDir, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura"],
              stdin: Self.lotCreateTemplate("rempah-madura/badkey") + "\n")
        let header = SQL.query(db(badKeyDir), "SELECT hex(header) FROM blocks ORDER BY height DESC LIMIT 1").first ?? ""
        let headerBytes = Hex.decode(header.lowercased()) ?? []
        XCTAssertFalse(headerBytes.isEmpty)
        let forged = try PrivateKey.generate(.ed25519).sign(Array("hadic-block-v1\n".utf8) + headerBytes)
        SQL.exec(db(badKeyDir), SQL.dropTriggers + "UPDATE blocks SET signature = x'\(Hex.encode(forged))' WHERE height = (SELECT MAX(height) FROM blocks);")

        let honest = try startNode(dir, port: NodeHarness.freePort())
        let rogue = try startNode(rogueDir, port: NodeHarness.freePort())
        let badKey = try startNode(badKeyDir, port: NodeHarness.freePort())
        defer { for n in [honest, rogue, badKey] { stopNode(n) } }
        let total = Self.fixtureEvents + 3

        // r1 follows the honest sequencer to its head, then is pointed at the rogue one.
        let r1Dir = path("r1")
        var r1 = try startNode(r1Dir, port: NodeHarness.freePort(), ["--node-key", r1Key, "--ledger", Hadic.ledgerID, "--peer", honest.address])
        waitForTreeSize(r1, total)
        stopNode(r1)
        r1 = try startNode(r1Dir, port: r1.port, ["--node-key", r1Key, "--peer", rogue.address])
        let forked = HadicProcess.waitUntil(timeout: 30) { ((self.nodeStatus(r1)?["node"] as? [String: Any])?["forks"] as? Int ?? 0) >= 1 }
        XCTAssertTrue(forked, "the replica reports the fork in its status: \(r1.log)")
        XCTAssertTrue(r1.log.contains("FORK"), "and in its log")
        XCTAssertEqual(nodeStatus(r1)?["tree_size"] as? Int, total, "it kept its own history")
        stopNode(r1)
        let evidence = hadic(["evidence", "--data", r1Dir, "--json"], exit: 1)
        let items = (try? JSONSerialization.jsonObject(with: Data(evidence.stdout.utf8))) as? [[String: Any]] ?? []
        XCTAssertEqual(items.count, 1, evidence.summary)
        XCTAssertEqual(items.first?["kind"] as? String, "block")
        XCTAssertEqual(items.first?["position"] as? Int, honestHeight)
        XCTAssertEqual(items.first?["ours_verifies"] as? Bool, true, "both blocks carry the sequencer's signature")
        XCTAssertEqual(items.first?["theirs_verifies"] as? Bool, true)
        XCTAssertEqual(items.first?["conflict"] as? Bool, true, "they are two different blocks for one height")
        XCTAssertNotEqual(items.first?["ours"] as? String, items.first?["theirs"] as? String)
        XCTAssertEqual(export(r1Dir), export(dir), "nothing of the fork was stored")

        // r2 follows the copy with a forged signature: it stores everything up to that block, never it.
        let r2 = try startNode(path("r2"), port: NodeHarness.freePort(), ["--node-key", r2Key, "--ledger", Hadic.ledgerID, "--peer", badKey.address])
        waitForTreeSize(r2, total - 1)
        let refused = HadicProcess.waitUntil(timeout: 30) { r2.log.contains("header signature does not verify") }
        XCTAssertTrue(refused, "the replica logs the refused block: \(r2.log)")
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(nodeStatus(r2)?["tree_size"] as? Int, total - 1, "the forged block was not stored")
        stopNode(r2)
        hadic(["evidence", "--data", path("r2")])
    }

    // MARK: Graceful stop

    func testSIGTERMSealsTheBlockInFlightSendsItsReceiptsAndExitsZero() throws {
        let dir = makeFixtureLedger("seq")
        // Nothing is sealed for ten seconds unless the node is told to stop.
        let node = try startNode(dir, port: NodeHarness.freePort(), ["--block-max-events", "100000", "--block-max-delay-ms", "10000"])
        let envelopes = sign(templates("term", 200), key: "rempah-madura-2.key", actor: "rempah-madura")
        let input = try write(envelopes.joined(separator: "\n") + "\n", to: "term.jsonl")
        let started = Date()
        let client = try Hadic.start(["append", "--node", node.address, "--signed", input])
        Thread.sleep(forTimeInterval: 1)
        XCTAssertTrue(client.isRunning, "the client waits for its receipts")
        XCTAssertEqual(treeSize(dir), Self.fixtureEvents, "nothing sealed yet")
        stopNode(node)
        let r = expect(client.wait(timeout: 30), exit: 0, "the client gets every receipt")
        XCTAssertLessThan(Date().timeIntervalSince(started), 9, "sealed at the stop, not at the delay")
        XCTAssertEqual(r.lines, envelopes.map { Hadic.eventID(ofCanonicalEnvelope: $0) ?? "?" })
        XCTAssertEqual(treeSize(dir), Self.fixtureEvents + 200)
        XCTAssertTrue(node.log.contains("hadicd stopped"), node.log)
        XCTAssertTrue(hadic(["verify", "--data", dir, "--full"]).stdout.hasPrefix("intact"))
    }

    // MARK: Queries through a node

    func testTraceAndAssessThroughANodeAnswerAsTheDataDirectoryDoes() throws {
        let dir = makeFixtureLedger("seq")
        let node = try startNode(dir, port: NodeHarness.freePort())
        defer { stopNode(node) }
        let rendang = "urn:epc:class:lgtin:8991234.012345.RDG2610A"
        let asks: [([String], Int32)] = [
            (["trace", "back", rendang], 0), (["trace", "back", rendang, "--json"], 0), (["trace", "back", rendang, "--dot"], 0),
            (["trace", "forward", "rph-sidoarjo/cattle-2026-10-005", "--json"], 0),
            (["assess", rendang, "--market", "MY", "--at", "2026-10-10T09:00:00Z"], 0),
            (["assess", rendang, "--market", "MY", "--at", "2026-10-10T09:00:00Z", "--json"], 0),
            (["assess", rendang, "--market", "AE", "--at", "2026-10-10T09:00:00Z", "--json"], 1),
            (["history", rendang], 0), (["history", rendang, "--json"], 0),
            (["custody", rendang], 0), (["custody", rendang, "--json"], 0),
            (["balance", rendang], 0), (["balance", "rempah-madura", "--json"], 0),
            (["certs", "--at", "2026-10-10T09:00:00Z"], 0), (["certs", "bpjph", "--json", "--at", "2026-10-10T09:00:00Z"], 0),
            (["event", SQL.query(db(dir), "SELECT lower(hex(id)) FROM events WHERE leaf_index = 7")[0]], 0),
        ]
        for (args, status) in asks {
            let local = hadic(Array(args.prefix(args[0] == "trace" ? 2 : 1)) + ["--data", dir] + args.dropFirst(args[0] == "trace" ? 2 : 1), exit: status)
            let remote = hadic(Array(args.prefix(args[0] == "trace" ? 2 : 1)) + ["--node", node.address] + args.dropFirst(args[0] == "trace" ? 2 : 1), exit: status)
            XCTAssertFalse(local.stdout.isEmpty, args.joined(separator: " "))
            XCTAssertEqual(remote.stdout, local.stdout, "\(args.joined(separator: " ")): the node answers as the directory does")
        }
        // Errors come back named.
        let missing = hadic(["trace", "back", "--node", node.address, "nobody/nothing"], exit: 2)
        XCTAssertTrue(missing.stderr.contains("no lot nobody/nothing"), missing.stderr)
        let market = hadic(["assess", "--node", node.address, rendang, "--market", "ZZ"], exit: 2)
        XCTAssertTrue(market.stderr.contains("ZZ"), market.stderr)
        let policy = hadic(["assess", "--node", node.address, rendang, "--market", "MY", "--policy", "/dev/null"], exit: 2)
        XCTAssertTrue(policy.stderr.contains("--policy"), policy.stderr)
        let noEvent = hadic(["event", "--node", node.address, String(repeating: "0", count: 64)], exit: 2)
        XCTAssertTrue(noEvent.stderr.contains("no event 000"), noEvent.stderr)
        // Commands a node does not answer say so.
        let bundle = hadic(["prove", "--node", node.address, rendang, "--out", path("b.json")], exit: 2)
        XCTAssertTrue(bundle.stderr.contains("--data DIR"), bundle.stderr)
    }

    // MARK: Settings

    func testTheExampleConfigsStartANodeAndAMisspeltSettingIsRefused() throws {
        let dir = makeFixtureLedger("seq")
        let seq = try startNode(dir, port: NodeHarness.freePort(),
                                ["--config", Hadic.packageRoot.appendingPathComponent("docs/hadicd-sequencer.example.json").path,
                                 "--sequencer-key", Hadic.key("sequencer.key")])
        let key = makeNodeKey("replica-1")
        let replica = try startNode(path("r1"), port: NodeHarness.freePort(),
                                    ["--config", Hadic.packageRoot.appendingPathComponent("docs/hadicd-replica.example.json").path,
                                     "--node-key", key, "--peer", seq.address])
        // Not registered as a node: the sequencer refuses it, and it says why.
        let refused = HadicProcess.waitUntil(timeout: 20) { replica.log.contains("unknown-node") }
        XCTAssertTrue(refused, replica.log)
        XCTAssertTrue(seq.log.contains("code=unknown-node"), seq.log)
        stopNode(replica)
        stopNode(seq)

        let bad = try write(#"{"data": "x", "listen": "127.0.0.1:0", "block_max_event": 5}"#, to: "bad.json")
        let daemon = try XCTUnwrap(NodeHarness.daemon)
        let r = try HadicProcess(executable: daemon, ["--config", bad]).wait(timeout: 30)
        XCTAssertEqual(r.status, 64, r.summary)
        XCTAssertTrue(r.stderr.contains("block_max_event"), r.stderr)
    }

    // MARK: One writer

    func testAppendToADirectoryANodeHoldsPointsToTheNode() throws {
        let dir = makeFixtureLedger("seq")
        let node = try startNode(dir, port: NodeHarness.freePort())
        let r = hadic(["append", "--data", dir, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura"],
                      stdin: Self.lotCreateTemplate("rempah-madura/locked") + "\n", exit: 2)
        XCTAssertTrue(r.stderr.contains("hadic append --node \(node.address)"), r.stderr)
        // Through the node it works, and its checkpoint and proofs come through the node too.
        let through = hadic(["append", "--node", node.address, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura"],
                            stdin: Self.lotCreateTemplate("rempah-madura/locked") + "\n")
        XCTAssertEqual(through.lines.filter(Hadic.isEventID).count, 1)
        let checkpoint = hadic(["checkpoint", "--node", node.address]).stdout
        XCTAssertTrue(checkpoint.hasPrefix(Hadic.origin + "\n\(Self.fixtureEvents + 1)\n"), checkpoint)
        let event = through.lines.first ?? ""
        let inclusion = hadic(["proof", "inclusion", "--node", node.address, event]).stdout
        let consistency = hadic(["proof", "consistency", "--node", node.address, "--from", "20"]).stdout
        let missing = hadic(["proof", "inclusion", "--node", node.address, String(repeating: "0", count: 64)], exit: 2)
        XCTAssertTrue(missing.stderr.contains("not-found"), missing.stderr)
        stopNode(node)
        XCTAssertEqual(hadic(["checkpoint", "--data", dir]).stdout, checkpoint)
        XCTAssertEqual(hadic(["proof", "inclusion", "--data", dir, event]).stdout, inclusion, "the node's proof is the one the directory gives")
        XCTAssertEqual(hadic(["proof", "consistency", "--data", dir, "--from", "20"]).stdout, consistency)
        XCTAssertFalse(consistency.isEmpty)
    }
}
